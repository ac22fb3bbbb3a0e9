import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "@/lib/protocol/openapi";
import { Api, expectError } from "../helpers/api";
import { consoleInfo } from "../helpers/context";

const c = consoleInfo();

/** Path parameters filled with values that exist nowhere: authentication must come first. */
function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => `no-such-${name.toLowerCase()}`);
}

const guarded = ENDPOINTS.filter((e) => e.auth !== "none");

describe("every authenticated endpoint refuses anonymous callers", () => {
  it("covers the whole published surface", () => {
    expect(guarded.length).toBeGreaterThan(10);
  });

  it.each(guarded.map((e) => [e.method.toUpperCase(), e.path] as const))("%s %s without credentials → 401", async (method, path) => {
    const res = await new Api(c.url).request(method, concrete(path), method === "GET" || method === "DELETE" ? undefined : {});
    expectError(res, 401, "UNAUTHENTICATED");
  });

  it.each(guarded.map((e) => [e.method.toUpperCase(), e.path] as const))("%s %s with a bogus token → 401", async (method, path) => {
    const res = await new Api(c.url, { token: "berth_bogus" }).request(method, concrete(path), method === "GET" || method === "DELETE" ? undefined : {});
    expectError(res, 401, "UNAUTHENTICATED");
  });
});

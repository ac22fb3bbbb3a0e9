import { describe, expect, it } from "vitest";
import { ZErrorBody } from "@/lib/protocol/api";
import { consoleInfo } from "../helpers/context";

/** Every /api answer is JSON, including for paths and methods the API does not have. */
const c = consoleInfo();

async function call(method: string, path: string, body?: string) {
  const res = await fetch(new URL(path, c.url), { method, body, headers: body ? { "content-type": "application/json" } : {} });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", allow: res.headers.get("allow"), body: JSON.parse(text) as unknown };
}

describe("unknown API paths and methods", () => {
  it("an unknown path under /api answers 404 with the error body, signed in or not", async () => {
    for (const path of ["/api/v1/nope", "/api/v1/teams/x/nothing-here", "/api/v2/teams", "/api/nope"]) {
      const res = await call("GET", path);
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^application\/json/);
      expect(ZErrorBody.parse(res.body).error.code).toBe("NOT_FOUND");
    }
    expect((await call("POST", "/api/v1/nope", JSON.stringify({ a: 1 }))).status).toBe(404);
  });

  it("a known path with a method it lacks answers 405 with Allow", async () => {
    const res = await call("PUT", "/api/v1/teams", "{}");
    expect(res.status).toBe(405);
    expect(res.allow).toBe("GET, POST");
    expect(ZErrorBody.parse(res.body).error).toMatchObject({ code: "METHOD_NOT_ALLOWED", details: { allow: ["GET", "POST"] } });
    expect((await call("DELETE", "/api/health")).status).toBe(405);
  });

  it("known paths still reach their handlers", async () => {
    expect((await call("GET", "/api/health")).status).toBe(200);
    expect((await call("GET", "/api/v1/teams")).status).toBe(401);
  });
});

import { describe, expect, it } from "vitest";
import { ZHealth } from "@/lib/protocol/api";
import { ENDPOINTS } from "@/lib/protocol/openapi";
import { Api, expectStatus } from "../helpers/api";
import { consoleInfo } from "../helpers/context";

const c = consoleInfo();
const anon = new Api(c.url);

describe("GET /api/health", () => {
  it("answers 200 with the database up, without credentials", async () => {
    const res = await anon.get("/api/health");
    const health = ZHealth.parse(expectStatus(res, 200));
    expect(health).toMatchObject({ status: "ok", database: "ok" });
    expect(health.agents.total).toBe(health.agents.ready + health.agents.unreachable);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("publishes every endpoint of ENDPOINTS with its method", async () => {
    const res = await anon.get("/api/v1/openapi.json");
    const doc = expectStatus(res, 200) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const published = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const expected = ENDPOINTS.map((e) => `${e.method.toUpperCase()} ${e.path}`);
    expect(published.sort()).toEqual(expected.sort());
  });
});

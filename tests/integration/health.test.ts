import { describe, expect, it } from "vitest";
import { ZHealth } from "@/lib/protocol/api";
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
  it("serves an OpenAPI 3 document, without credentials", async () => {
    const res = await anon.get("/api/v1/openapi.json");
    const doc = expectStatus(res, 200) as { openapi: string; info: { title: string }; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe("Berth API");
    // The foundation's operations (the full list is checked in tests/unit/openapi.test.ts).
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/health", "/api/v1/auth/token", "/api/v1/teams", "/api/v1/teams/{team}/members", "/api/v1/audit"]),
    );
    expect(Object.keys(doc.paths["/api/v1/teams"] ?? {}).sort()).toEqual(["get", "post"]);
  });
});

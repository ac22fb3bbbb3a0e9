import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { CLIENT_FILE, renderClient } from "../../scripts/gen-api-client";
import { operationPath } from "../helpers/api-client";
import { API_OPERATIONS } from "../helpers/generated/api-client";
import { ENDPOINTS } from "@/lib/protocol/openapi";

describe("the client generated from the OpenAPI document", () => {
  it("is up to date: regenerating it from the document gives the committed file (run `npm run generate:api-client`)", async () => {
    expect(await renderClient()).toBe(fs.readFileSync(CLIENT_FILE, "utf8"));
  }, 60_000);

  it("has every published operation, with its method, path and success status", () => {
    expect(Object.keys(API_OPERATIONS).sort()).toEqual(ENDPOINTS.map((e) => e.operationId).sort());
    for (const e of ENDPOINTS) {
      expect(API_OPERATIONS[e.operationId as keyof typeof API_OPERATIONS]).toEqual({ method: e.method.toUpperCase(), path: e.path, status: e.status ?? 200 });
    }
  });

  it("fills path parameters URL-encoded and adds the query", () => {
    expect(operationPath("getImageRepository", { team: "pay", repository: "pay/web" })).toBe("/api/v1/teams/pay/images/pay%2Fweb");
    expect(operationPath("listAuditEvents", undefined, { team: "pay", limit: 5, before: undefined })).toBe("/api/v1/audit?team=pay&limit=5");
    expect(() => operationPath("getTeam", {})).toThrow(/team missing/);
  });
});

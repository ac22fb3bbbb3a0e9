import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENDPOINTS, openApiDocument } from "@/lib/protocol/openapi";
import { REPO_ROOT } from "../helpers/console";

const API_DIR = path.join(REPO_ROOT, "app", "api");
const METHODS = ["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS"] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return routeFiles(full);
    return d.name === "route.ts" ? [full] : [];
  });
}

/** app/api/v1/teams/[team]/route.ts → /api/v1/teams/{team}; null for catch-all routes. */
function routePath(file: string): string | null {
  const segments = path.relative(path.join(REPO_ROOT, "app"), path.dirname(file)).split(path.sep);
  if (segments.some((s) => s.startsWith("[..."))) return null;
  // Route groups "(name)" do not appear in the URL.
  const visible = segments.filter((s) => !/^\(.*\)$/.test(s));
  return `/${visible.map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/")}`;
}

/** The HTTP methods a route module exports, in every form Next accepts. */
function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|let|var|async\s+function|function)\s+(\w+)/g)) found.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name) found.add(name);
    }
  }
  return METHODS.filter((method) => found.has(method));
}

describe("route discovery helpers", () => {
  it("map directories to OpenAPI paths", () => {
    expect(routePath(path.join(API_DIR, "v1", "teams", "[team]", "members", "[userId]", "route.ts"))).toBe("/api/v1/teams/{team}/members/{userId}");
    expect(routePath(path.join(API_DIR, "v1", "openapi.json", "route.ts"))).toBe("/api/v1/openapi.json");
    expect(routePath(path.join(API_DIR, "auth", "[...nextauth]", "route.ts"))).toBeNull();
  });

  it("read every export style", () => {
    expect(exportedMethods("export const GET = route({}, x);\nexport const dynamic = 'force-dynamic';")).toEqual(["GET"]);
    expect(exportedMethods("export async function POST(req) {}\nexport function DELETE() {}")).toEqual(["POST", "DELETE"]);
    expect(exportedMethods("export { handler as GET, post as POST };")).toEqual(["GET", "POST"]);
    expect(exportedMethods("export { PATCH };")).toEqual(["PATCH"]);
    expect(exportedMethods("const GET = 1; export const helper = 2;")).toEqual([]);
  });
});

describe("the published API surface", () => {
  const files = routeFiles(API_DIR);

  it("every route file exports at least one HTTP method (so none is silently unread)", () => {
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      expect({ file: path.relative(REPO_ROOT, file), methods: exportedMethods(fs.readFileSync(file, "utf8")).length > 0 }).toEqual({
        file: path.relative(REPO_ROOT, file),
        methods: true,
      });
    }
  });

  it("ENDPOINTS lists exactly the handlers under app/api (next-auth's catch-all aside)", () => {
    const handlers = files.flatMap((file) => {
      const p = routePath(file);
      return p === null ? [] : exportedMethods(fs.readFileSync(file, "utf8")).map((m) => `${m} ${p}`);
    });
    const listed = ENDPOINTS.map((e) => `${e.method.toUpperCase()} ${e.path}`);
    expect([...new Set(listed)].length).toBe(listed.length);
    expect(listed.sort()).toEqual(handlers.sort());
  });

  it("the OpenAPI document has every ENDPOINTS entry, with its path parameters and error schema", () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.0.3");
    for (const e of ENDPOINTS) {
      const op = doc.paths[e.path]?.[e.method] as
        | { parameters: { name: string; in: string }[]; responses: Record<string, unknown>; requestBody?: unknown; security: unknown[] }
        | undefined;
      expect(op, `${e.method} ${e.path}`).toBeDefined();
      if (!op) continue;
      const pathParams = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(pathParams);
      const statuses = Object.keys(op.responses);
      expect(statuses[0]).toBe(String(e.status ?? 200));
      expect(statuses.at(-1)).toBe("default");
      // Every operation describes at least one 4xx answer, each with the error body.
      expect(statuses.filter((x) => /^4\d\d$/.test(x)).length, `${e.method} ${e.path}`).toBeGreaterThan(0);
      if (e.auth !== "none") expect(statuses).toEqual(expect.arrayContaining(["401", "403"]));
      expect(op.requestBody !== undefined).toBe(e.body !== undefined);
      expect(op.security.length === 0).toBe(e.auth === "none");
    }
    const count = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(count).toBe(ENDPOINTS.length);
  });

  it("every operation has a stable, unique, camelCase operationId", () => {
    const ids = ENDPOINTS.map((e) => e.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]+$/);
    const doc = openApiDocument();
    expect((doc.paths["/api/v1/teams/{team}/apps"]?.post as { operationId: string }).operationId).toBe("createApp");
    expect(doc.servers).toEqual([{ url: "/", description: "This console" }]);
    expect(doc.info.license.name).toBeTruthy();
  });

  it("request bodies are closed: unknown fields are not allowed by the published schema", () => {
    const doc = openApiDocument();
    for (const e of ENDPOINTS.filter((x) => x.body)) {
      const op = doc.paths[e.path][e.method] as { requestBody: { content: { "application/json": { schema: { additionalProperties?: unknown } } } } };
      expect({ endpoint: `${e.method} ${e.path}`, additionalProperties: op.requestBody.content["application/json"].schema.additionalProperties }).toEqual({
        endpoint: `${e.method} ${e.path}`,
        additionalProperties: false,
      });
    }
  });

  it("query parameters are published for endpoints that take them", () => {
    const doc = openApiDocument();
    const audit = doc.paths["/api/v1/audit"]?.get as { parameters: { name: string; in: string }[] };
    expect(audit.parameters.filter((p) => p.in === "query").map((p) => p.name).sort()).toEqual(["action", "actor", "before", "beforeId", "from", "limit", "team", "to"]);
  });
});

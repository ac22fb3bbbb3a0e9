import { beforeAll, describe, expect, it } from "vitest";
import { Api, expectError } from "../helpers/api";
import { consoleInfo } from "../helpers/context";

/**
 * Walks the OpenAPI document the running console serves (not the source: the server under test
 * may be a build of an older tree), so every published operation is checked against the server
 * that publishes it. tests/unit/openapi.test.ts ties that document to the route files.
 */
const c = consoleInfo();

interface TOperation {
  method: string;
  path: string;
  guarded: boolean;
}

/** Path parameters filled with values that exist nowhere: authentication must come first. */
function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => `no-such-${name.toLowerCase()}`);
}

function bodyFor(method: string): unknown {
  return method === "GET" || method === "DELETE" ? undefined : {};
}

let operations: TOperation[] = [];

beforeAll(async () => {
  const res = await new Api(c.url).get("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  const doc = res.body as { paths: Record<string, Record<string, { security: unknown[] }>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, guarded: op.security.length > 0 })),
  );
});

describe("every published operation, on the running console", () => {
  it("the document lists a real surface, most of it behind authentication", () => {
    expect(operations.length).toBeGreaterThan(15);
    expect(operations.filter((o) => o.guarded).length).toBeGreaterThan(10);
  });

  it("is served: no published operation is a missing route (404/405 from Next)", async () => {
    for (const op of operations) {
      const res = await new Api(c.url).request(op.method, concrete(op.path), bodyFor(op.method));
      const routeMissing = res.status === 405 || (res.status === 404 && !(typeof res.body === "object" && res.body !== null && "error" in res.body));
      expect({ op: `${op.method} ${op.path}`, routeMissing }).toEqual({ op: `${op.method} ${op.path}`, routeMissing: false });
    }
  });

  it("every guarded operation answers 401 UNAUTHENTICATED without credentials", async () => {
    for (const op of operations.filter((o) => o.guarded)) {
      const res = await new Api(c.url).request(op.method, concrete(op.path), bodyFor(op.method));
      expect({ op: `${op.method} ${op.path}`, status: res.status, body: res.body }).toMatchObject({
        op: `${op.method} ${op.path}`,
        status: 401,
        body: { error: { code: "UNAUTHENTICATED" } },
      });
    }
  });

  it("every guarded operation answers 401 to an unknown bearer token", async () => {
    for (const op of operations.filter((o) => o.guarded)) {
      const res = await new Api(c.url, { token: "berth_bogus" }).request(op.method, concrete(op.path), bodyFor(op.method));
      expect({ op: `${op.method} ${op.path}`, status: res.status }).toEqual({ op: `${op.method} ${op.path}`, status: 401 });
      expectError(res, 401, "UNAUTHENTICATED");
    }
  });
});

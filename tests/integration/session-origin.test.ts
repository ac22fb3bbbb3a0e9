import { beforeAll, describe, expect, it } from "vitest";
import { ZMe, ZTeam } from "@/lib/protocol/api";
import {
  Api,
  adminApi,
  expectError,
  expectStatus,
  sessionLogin,
  sessionLoginAttempt,
  uid,
  uniqueIp,
} from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";

const c = consoleInfo();

async function teamExists(slug: string): Promise<boolean> {
  const rows = await sql<{ n: number }>(c.databaseUrl, `SELECT count(*)::int AS n FROM "Team" WHERE slug = $1`, [slug]);
  return rows[0]?.n === 1;
}

describe("next-auth cookie session", () => {
  let cookie: string;
  let session: Api;

  beforeAll(async () => {
    cookie = await sessionLogin(c.url, c.adminEmail, c.adminPassword);
    session = new Api(c.url, { cookie });
  });

  it("the credentials login sets a session cookie that GET requests accept without Origin", async () => {
    expect(cookie).toContain("next-auth.session-token=");
    const me = ZMe.parse(expectStatus(await session.get("/api/v1/me"), 200));
    expect(me).toMatchObject({ email: c.adminEmail, isAdmin: true });
  });

  it("a wrong password sets no session cookie and answers 401", async () => {
    const attempt = await sessionLoginAttempt(c.url, c.adminEmail, "definitely-wrong");
    expect(attempt.status).toBe(401);
    expect(attempt.sessionToken).toBeNull();
  });

  it("a forged or garbage session cookie is 401", async () => {
    const res = await new Api(c.url, { cookie: "next-auth.session-token=not-a-jwt" }).get("/api/v1/me");
    expectError(res, 401, "UNAUTHENTICATED");
  });

  it("a malformed %-sequence in some other cookie does not break a valid session (no 500)", async () => {
    const res = await new Api(c.url, { cookie: `theme=%E0%A4%A; ${cookie}` }).get("/api/v1/me");
    expect(ZMe.parse(expectStatus(res, 200)).email).toBe(c.adminEmail);
    expectError(await new Api(c.url, { cookie: "next-auth.session-token=%E0%A4%A" }).get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });

  it("a cookie POST without Origin is 403 BAD_ORIGIN and changes nothing", async () => {
    const slug = uid("noorigin");
    const res = await session.post("/api/v1/teams", { slug, name: "No origin" });
    expectError(res, 403, "BAD_ORIGIN");
    expect(await teamExists(slug)).toBe(false);
  });

  it("a cookie POST with a foreign Origin is 403 BAD_ORIGIN and changes nothing", async () => {
    for (const origin of ["http://evil.example", `http://localhost:${c.port + 1}`, `https://localhost:${c.port}`, "null"]) {
      const slug = uid("foreign");
      const res = await session.with({ origin }).post("/api/v1/teams", { slug, name: "Foreign origin" });
      expectError(res, 403, "BAD_ORIGIN");
      expect(await teamExists(slug)).toBe(false);
    }
  });

  it("cookie PATCH and DELETE without our Origin are refused too", async () => {
    const admin = await adminApi(c);
    const me = ZMe.parse((await admin.get("/api/v1/me")).body);
    expectError(await session.patch(`/api/v1/users/${me.id}`, { name: "Renamed" }), 403, "BAD_ORIGIN");
    expectError(await session.delete("/api/v1/auth/tokens/whatever"), 403, "BAD_ORIGIN");
  });

  it("a cookie POST with the console's own Origin succeeds", async () => {
    const slug = uid("sameorigin");
    const res = await session.with({ origin: c.url }).post("/api/v1/teams", { slug, name: "Same origin" });
    expect(ZTeam.parse(expectStatus(res, 201)).slug).toBe(slug);
    expect(await teamExists(slug)).toBe(true);
  });

  it("a bearer token needs no Origin (scripts are not browsers), even a foreign one", async () => {
    const admin = await adminApi(c);
    const slug = uid("bearer");
    expectStatus(await admin.with({ origin: "http://evil.example" }).post("/api/v1/teams", { slug, name: "Bearer" }), 201);
    expect(await teamExists(slug)).toBe(true);
  });

  it("the session login shares the login limiter: an IP past its failures is answered 429", async () => {
    const ip = uniqueIp();
    // BERTH_LOGIN_MAX_FAILURES' default: failures over many accounts from one IP.
    for (let i = 0; i < 20; i++) {
      expect((await sessionLoginAttempt(c.url, `${uid("nobody")}@berth.test`, "wrong-password", { ip })).status).toBe(401);
    }
    const locked = await sessionLoginAttempt(c.url, c.adminEmail, c.adminPassword, { ip });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(locked.sessionToken).toBeNull();
  });
});

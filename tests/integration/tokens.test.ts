import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ZMe, ZTokenCreated, ZTokenInfo } from "@/lib/protocol/api";
import { Api, adminApi, createToken, expectError, expectStatus, uniqueIp } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
const anon = new Api(c.url);

interface TTokenRow {
  id: string;
  userId: string;
  tokenHash: string;
  prefix: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

async function tokenRow(id: string): Promise<TTokenRow> {
  const rows = await sql<TTokenRow>(c.databaseUrl, `SELECT id, "userId", "tokenHash", prefix, "expiresAt", "revokedAt" FROM "ApiToken" WHERE id = $1`, [id]);
  if (!rows[0]) throw new Error(`no ApiToken row ${id}`);
  return rows[0];
}

/** Bits of randomness in the part after `berth_` (base64url: 6 bits a character). */
function entropyBits(token: string): number {
  const body = token.replace(/^berth_/, "");
  return Buffer.from(body, "base64url").length * 8;
}

describe("POST /api/v1/auth/token", () => {
  let user: TTestUser;

  beforeAll(async () => {
    const admin = await adminApi(c);
    user = await makeMember(admin, await makeTeam(admin), "MEMBER");
  });

  it("answers 201 with a token of at least 128 random bits that is stored only as its hash", async () => {
    const res = await anon.with({ ip: uniqueIp() }).post("/api/v1/auth/token", { email: user.email, password: user.password, name: "ci" });
    const created = ZTokenCreated.parse(expectStatus(res, 201));
    expect(created.token).toMatch(/^berth_[A-Za-z0-9_-]+$/);
    expect(entropyBits(created.token)).toBeGreaterThanOrEqual(128);
    const row = await tokenRow(created.id);
    expect(row.tokenHash).not.toBe(created.token);
    expect(row.tokenHash).not.toContain(created.token.slice(6));
    expect(row.tokenHash).toBe(createHash("sha256").update(created.token).digest("hex"));
    expect(row.userId).toBe(user.id);
    // No expiresInDays: BERTH_TOKEN_DEFAULT_DAYS (90).
    const days = ((row.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
  });

  it("a lifetime past BERTH_TOKEN_MAX_DAYS (365) is 400 naming the field, and issues nothing", async () => {
    const res = await anon.with({ ip: uniqueIp() }).post("/api/v1/auth/token", { email: user.email, password: user.password, name: "long", expiresInDays: 366 });
    const err = expectError(res, 400, "VALIDATION");
    expect(JSON.stringify(err.details)).toContain("expiresInDays");
    const rows = await sql<{ n: number }>(c.databaseUrl, `SELECT count(*)::int AS n FROM "ApiToken" WHERE "userId" = $1 AND name = 'long'`, [user.id]);
    expect(rows[0]?.n).toBe(0);
  });

  it("two tokens for the same user differ", async () => {
    const a = await createToken(c.url, user.email, user.password);
    const b = await createToken(c.url, user.email, user.password);
    expect(a.token).not.toBe(b.token);
    expect(a.id).not.toBe(b.id);
  });

  it("accepts the email in any case and with spaces", async () => {
    const t = await createToken(c.url, `  ${user.email.toUpperCase()} `, user.password);
    const me = ZMe.parse(expectStatus(await new Api(c.url, { token: t.token }).get("/api/v1/me"), 200));
    expect(me.email).toBe(user.email);
  });

  it("the token works as a Bearer credential", async () => {
    const t = await createToken(c.url, user.email, user.password);
    const me = ZMe.parse(expectStatus(await new Api(c.url, { token: t.token }).get("/api/v1/me"), 200));
    expect(me).toMatchObject({ id: user.id, email: user.email, isAdmin: false });
  });

  it("expiresInDays sets an expiry", async () => {
    const t = await createToken(c.url, user.email, user.password, { expiresInDays: 7 });
    const row = await tokenRow(t.id);
    const days = ((row.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
  });

  it("a body with an unknown field is 400 naming the field", async () => {
    const res = await anon.with({ ip: uniqueIp() }).post("/api/v1/auth/token", { email: user.email, password: user.password, admin: true });
    const err = expectError(res, 400, "VALIDATION");
    expect(JSON.stringify(err.details)).toContain("admin");
  });

  it("a missing password or a body that is not JSON is 400", async () => {
    expectError(await anon.with({ ip: uniqueIp() }).post("/api/v1/auth/token", { email: user.email }), 400, "VALIDATION");
    const raw = await anon.with({ ip: uniqueIp() }).request("POST", "/api/v1/auth/token", undefined, {
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    expectError(raw, 400, "VALIDATION");
  });

  it("a wrong password is 401 and issues nothing", async () => {
    const before = await sql<{ n: number }>(c.databaseUrl, `SELECT count(*)::int AS n FROM "ApiToken" WHERE "userId" = $1`, [user.id]);
    const res = await anon.with({ ip: uniqueIp() }).post("/api/v1/auth/token", { email: user.email, password: "wrong-password" });
    expectError(res, 401, "UNAUTHENTICATED");
    const after = await sql<{ n: number }>(c.databaseUrl, `SELECT count(*)::int AS n FROM "ApiToken" WHERE "userId" = $1`, [user.id]);
    expect(after[0]?.n).toBe(before[0]?.n);
  });
});

describe("Bearer token checks", () => {
  let user: TTestUser;

  beforeAll(async () => {
    const admin = await adminApi(c);
    user = await makeMember(admin, await makeTeam(admin), "MEMBER");
  });

  it("no credentials, a malformed Authorization header or an unknown token are 401", async () => {
    expectError(await anon.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectError(await anon.with({ headers: { authorization: "Basic Zm9vOmJhcg==" } }).get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectError(await anon.with({ token: "berth_not-a-real-token" }).get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });

  it("a token expired in the database is refused with 401", async () => {
    const t = await createToken(c.url, user.email, user.password, { expiresInDays: 1 });
    const api = new Api(c.url, { token: t.token });
    expectStatus(await api.get("/api/v1/me"), 200);
    await sql(c.databaseUrl, `UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [t.id]);
    expectError(await api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });

  it("a revoked token is refused with 401 at once", async () => {
    const t = await createToken(c.url, user.email, user.password);
    const api = new Api(c.url, { token: t.token });
    expectStatus(await api.get("/api/v1/me"), 200);
    expectStatus(await user.api.delete(`/api/v1/auth/tokens/${t.id}`), 200);
    expectError(await api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    const row = await tokenRow(t.id);
    expect(row.revokedAt).toBeInstanceOf(Date);
    // Revoking twice is harmless.
    expectStatus(await user.api.delete(`/api/v1/auth/tokens/${t.id}`), 200);
  });

  it("a token can revoke itself", async () => {
    const t = await createToken(c.url, user.email, user.password);
    const api = new Api(c.url, { token: t.token });
    expectStatus(await api.delete(`/api/v1/auth/tokens/${t.id}`), 200);
    expectError(await api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });
});

describe("/api/v1/auth/tokens and /api/v1/auth/tokens/{id}", () => {
  let alice: TTestUser;
  let bob: TTestUser;

  beforeAll(async () => {
    const admin = await adminApi(c);
    const team = await makeTeam(admin);
    alice = await makeMember(admin, team, "MEMBER");
    bob = await makeMember(admin, team, "MEMBER");
  });

  it("GET lists only the caller's tokens, never their secret", async () => {
    const res = await alice.api.get("/api/v1/auth/tokens");
    const list = z.array(ZTokenInfo).parse(expectStatus(res, 200));
    expect(list.map((t) => t.id)).toContain(alice.tokenId);
    expect(list.map((t) => t.id)).not.toContain(bob.tokenId);
    expect(res.text).not.toContain(alice.token);
    const mine = list.find((t) => t.id === alice.tokenId);
    expect(alice.token.startsWith(mine?.prefix ?? "-")).toBe(true);
    // This very request used the token.
    expect(Date.now() - Date.parse(mine?.lastUsedAt ?? "1970-01-01")).toBeLessThan(120_000);
  });

  it("POST creates a token for the caller (201) that works", async () => {
    const res = await alice.api.post("/api/v1/auth/tokens", { name: "deploy", expiresInDays: 30 });
    const created = ZTokenCreated.parse(expectStatus(res, 201));
    expect(created.name).toBe("deploy");
    expect(created.expiresAt).not.toBeNull();
    const me = ZMe.parse(expectStatus(await new Api(c.url, { token: created.token }).get("/api/v1/me"), 200));
    expect(me.id).toBe(alice.id);
    expect((await tokenRow(created.id)).userId).toBe(alice.id);
  });

  it("POST validates its body: unknown field, empty name, expiry out of range → 400", async () => {
    expectError(await alice.api.post("/api/v1/auth/tokens", { name: "x", userId: bob.id }), 400, "VALIDATION");
    expectError(await alice.api.post("/api/v1/auth/tokens", { name: "" }), 400, "VALIDATION");
    expectError(await alice.api.post("/api/v1/auth/tokens", { name: "x", expiresInDays: 0 }), 400, "VALIDATION");
    expectError(await alice.api.post("/api/v1/auth/tokens", { name: "x", expiresInDays: 3651 }), 400, "VALIDATION");
  });

  it("GET and POST without credentials are 401", async () => {
    expectError(await anon.get("/api/v1/auth/tokens"), 401, "UNAUTHENTICATED");
    expectError(await anon.post("/api/v1/auth/tokens", { name: "x" }), 401, "UNAUTHENTICATED");
  });

  it("DELETE of another user's token is 404 and leaves it working; unknown id is 404", async () => {
    expectError(await bob.api.delete(`/api/v1/auth/tokens/${alice.tokenId}`), 404, "NOT_FOUND");
    expectStatus(await alice.api.get("/api/v1/me"), 200);
    expect((await tokenRow(alice.tokenId)).revokedAt).toBeNull();
    expectError(await bob.api.delete("/api/v1/auth/tokens/no-such-token"), 404, "NOT_FOUND");
  });

  it("a token minted with a token expires no later than its parent and is revoked with it, grandchildren too", async () => {
    const parent = await createToken(c.url, alice.email, alice.password, { expiresInDays: 7, name: "parent" });
    const parentApi = new Api(c.url, { token: parent.token });
    const child = ZTokenCreated.parse(expectStatus(await parentApi.post("/api/v1/auth/tokens", { name: "child", expiresInDays: 30 }), 201));
    expect(child.expiresAt).toBe((await tokenRow(parent.id)).expiresAt?.toISOString());
    const childApi = new Api(c.url, { token: child.token });
    const grandchild = ZTokenCreated.parse(expectStatus(await childApi.post("/api/v1/auth/tokens", { name: "grandchild" }), 201));
    const grandchildApi = new Api(c.url, { token: grandchild.token });
    // A token minted with a password is nobody's child and survives.
    const sibling = await createToken(c.url, alice.email, alice.password, { name: "sibling" });
    expectStatus(await grandchildApi.get("/api/v1/me"), 200);

    const revoked = expectStatus(await alice.api.delete(`/api/v1/auth/tokens/${parent.id}`), 200);
    expect(revoked).toMatchObject({ revoked: 3 });
    for (const api of [parentApi, childApi, grandchildApi]) expectError(await api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectStatus(await new Api(c.url, { token: sibling.token }).get("/api/v1/me"), 200);
    const list = z.array(ZTokenInfo).parse(expectStatus(await alice.api.get("/api/v1/auth/tokens"), 200));
    expect(list.find((t) => t.id === child.id)).toMatchObject({ parentId: parent.id, revokedAt: expect.any(String) });
  });

  it("lists where each token was last used from", async () => {
    const ip = uniqueIp();
    const t = await createToken(c.url, alice.email, alice.password, { name: "from-ip" });
    expectStatus(await new Api(c.url, { token: t.token, ip }).get("/api/v1/me"), 200);
    const list = z.array(ZTokenInfo).parse(expectStatus(await alice.api.get("/api/v1/auth/tokens"), 200));
    expect(list.find((x) => x.id === t.id)).toMatchObject({ lastUsedIp: ip, lastUsedAt: expect.any(String) });
  });

  it("an admin may revoke anyone's token", async () => {
    const admin = await adminApi(c);
    const t = await createToken(c.url, bob.email, bob.password);
    expectStatus(await admin.delete(`/api/v1/auth/tokens/${t.id}`), 200);
    expectError(await new Api(c.url, { token: t.token }).get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });
});

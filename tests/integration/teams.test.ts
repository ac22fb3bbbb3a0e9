import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ZMember, ZQuota, ZTeam } from "@/lib/protocol/api";
import { Api, adminApi, expectError, expectStatus, uid, uniqueEmail } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
const anon = new Api(c.url);

describe("POST /api/v1/teams", () => {
  let admin: Api;
  beforeAll(async () => {
    admin = await adminApi(c);
  });

  it("an admin creates a team (201) with its quota", async () => {
    const slug = uid("create");
    const res = await admin.post("/api/v1/teams", { slug, name: "  Payments  ", quota: { cpu: 2.5, memoryMiB: 4096, diskGiB: 20, sets: 4 } });
    const team = ZTeam.parse(expectStatus(res, 201));
    expect(team).toMatchObject({ slug, name: "Payments", role: null, memberCount: 0 });
    const quota = ZQuota.parse(expectStatus(await admin.get(`/api/v1/teams/${slug}/quota`), 200));
    expect(quota).toEqual({ limits: { cpu: 2.5, memoryMiB: 4096, diskGiB: 20, sets: 4 }, used: { cpu: 0, memoryMiB: 0, diskGiB: 0, sets: 0 } });
    const rows = await sql<{ cpuMillis: number }>(c.databaseUrl, `SELECT q."cpuMillis" FROM "Quota" q JOIN "Team" t ON t.id = q."teamId" WHERE t.slug = $1`, [slug]);
    expect(rows).toEqual([{ cpuMillis: 2500 }]);
  });

  it("without a quota the team starts with zero limits", async () => {
    const slug = uid("noquota");
    expectStatus(await admin.post("/api/v1/teams", { slug, name: "No quota" }), 201);
    const quota = ZQuota.parse((await admin.get(`/api/v1/teams/${slug}/quota`)).body);
    expect(quota.limits).toEqual({ cpu: 0, memoryMiB: 0, diskGiB: 0, sets: 0 });
  });

  it("a duplicate slug is 409", async () => {
    const slug = await makeTeam(admin);
    const err = expectError(await admin.post("/api/v1/teams", { slug, name: "Again" }), 409, "CONFLICT");
    expect(err.details).toMatchObject({ field: "slug" });
  });

  it("an unknown field is 400 with the field's path, also inside quota", async () => {
    const top = expectError(await admin.post("/api/v1/teams", { slug: uid("x"), name: "X", owner: "me" }), 400, "VALIDATION");
    expect(top.details).toMatchObject({ issues: [expect.objectContaining({ message: expect.stringContaining("owner") })] });
    const nested = expectError(
      await admin.post("/api/v1/teams", { slug: uid("x"), name: "X", quota: { cpu: 1, memoryMiB: 1, diskGiB: 1, sets: 1, gpus: 2 } }),
      400,
      "VALIDATION",
    );
    expect(nested.details).toMatchObject({ issues: [expect.objectContaining({ path: "quota" })] });
    expect(nested.message).toContain("gpus");
  });

  it("a bad slug or quota is 400 naming the field", async () => {
    for (const slug of ["Upper", "-dash", "dash-", "a", "under_score", "x".repeat(41)]) {
      const err = expectError(await admin.post("/api/v1/teams", { slug, name: "Bad" }), 400, "VALIDATION");
      expect(err.details).toMatchObject({ issues: [expect.objectContaining({ path: "slug" })] });
    }
    const err = expectError(
      await admin.post("/api/v1/teams", { slug: uid("q"), name: "Q", quota: { cpu: -1, memoryMiB: 1, diskGiB: 1, sets: 1 } }),
      400,
      "VALIDATION",
    );
    expect(err.details).toMatchObject({ issues: [expect.objectContaining({ path: "quota.cpu" })] });
  });

  it("a non-admin is 403 and nothing is created; no credentials is 401", async () => {
    const owner = await makeMember(admin, await makeTeam(admin), "OWNER");
    const slug = uid("byowner");
    expectError(await owner.api.post("/api/v1/teams", { slug, name: "Nope" }), 403, "FORBIDDEN");
    expectError(await anon.post("/api/v1/teams", { slug, name: "Nope" }), 401, "UNAUTHENTICATED");
    expect(await sql(c.databaseUrl, `SELECT 1 FROM "Team" WHERE slug = $1`, [slug])).toEqual([]);
  });
});

describe("teams and members", () => {
  let admin: Api;
  let team: string;
  let other: string;
  let owner: TTestUser;
  let member: TTestUser;
  let viewer: TTestUser;
  let outsider: TTestUser;

  beforeAll(async () => {
    admin = await adminApi(c);
    team = await makeTeam(admin);
    other = await makeTeam(admin);
    owner = await makeMember(admin, team, "OWNER");
    member = await makeMember(admin, team, "MEMBER");
    viewer = await makeMember(admin, team, "VIEWER");
    outsider = await makeMember(admin, other, "OWNER");
  });

  it("GET /api/v1/teams: members see their teams only, admins see all", async () => {
    const mine = z.array(ZTeam).parse(expectStatus(await viewer.api.get("/api/v1/teams"), 200));
    expect(mine.map((t) => t.slug)).toEqual([team]);
    expect(mine[0]).toMatchObject({ role: "VIEWER", memberCount: 3 });
    const all = z.array(ZTeam).parse(expectStatus(await admin.get("/api/v1/teams"), 200));
    expect(all.map((t) => t.slug)).toEqual(expect.arrayContaining([team, other]));
    expectError(await anon.get("/api/v1/teams"), 401, "UNAUTHENTICATED");
  });

  it("GET /api/v1/teams/{team} shows the caller's role", async () => {
    const t = ZTeam.parse(expectStatus(await member.api.get(`/api/v1/teams/${team}`), 200));
    expect(t).toMatchObject({ slug: team, role: "MEMBER", memberCount: 3 });
    expectError(await admin.get(`/api/v1/teams/${uid("missing")}`), 404, "NOT_FOUND");
  });

  it("GET members lists everyone with their role, for any member", async () => {
    const list = z.array(ZMember).parse(expectStatus(await viewer.api.get(`/api/v1/teams/${team}/members`), 200));
    expect(list.map((m) => [m.email, m.role])).toEqual([
      [owner.email, "OWNER"],
      [member.email, "MEMBER"],
      [viewer.email, "VIEWER"],
    ]);
  });

  it("another team's member gets 404 for the team, its members and its quota, like a missing team", async () => {
    const missing = uid("missing");
    for (const path of [`/api/v1/teams/${team}`, `/api/v1/teams/${team}/members`, `/api/v1/teams/${team}/quota`]) {
      const res = await outsider.api.get(path);
      expectError(res, 404, "NOT_FOUND");
      const absent = await outsider.api.get(path.replace(team, missing));
      expect(res.text).toBe(absent.text);
    }
    expectError(await outsider.api.post(`/api/v1/teams/${team}/members`, { email: outsider.email, role: "OWNER" }), 404, "NOT_FOUND");
    expectError(await outsider.api.patch(`/api/v1/teams/${team}/members/${viewer.id}`, { role: "OWNER" }), 404, "NOT_FOUND");
    expectError(await outsider.api.delete(`/api/v1/teams/${team}/members/${viewer.id}`), 404, "NOT_FOUND");
  });

  it("GET quota: any member reads limits and usage", async () => {
    const quota = ZQuota.parse(expectStatus(await viewer.api.get(`/api/v1/teams/${team}/quota`), 200));
    expect(quota.limits).toEqual({ cpu: 8, memoryMiB: 16384, diskGiB: 100, sets: 10 });
    expect(quota.used.sets).toBe(0);
    expectError(await anon.get(`/api/v1/teams/${team}/quota`), 401, "UNAUTHENTICATED");
  });

  it("an owner cannot choose anyone's password (403), new or existing account, and nothing is created", async () => {
    const email = uniqueEmail("new");
    const res = await owner.api.post(`/api/v1/teams/${team}/members`, { email, role: "MEMBER", password: "new-user-pw-1", name: "New" });
    expect(expectError(res, 403, "FORBIDDEN").message).toMatch(/invite/i);
    expect(await sql(c.databaseUrl, `SELECT 1 FROM "User" WHERE email = $1`, [email])).toEqual([]);
    const hashBefore = await sql<{ passwordHash: string }>(c.databaseUrl, `SELECT "passwordHash" FROM "User" WHERE id = $1`, [outsider.id]);
    expectError(await owner.api.post(`/api/v1/teams/${team}/members`, { email: outsider.email, role: "VIEWER", password: "owner-chosen-1" }), 403, "FORBIDDEN");
    expect(await sql(c.databaseUrl, `SELECT "passwordHash" FROM "User" WHERE id = $1`, [outsider.id])).toEqual(hashBefore);
    expectError(await new Api(c.url).post("/api/v1/auth/token", { email: outsider.email, password: "owner-chosen-1" }), 401, "UNAUTHENTICATED");
  });

  it("an admin creates a user with a password (201) through member add, who can then log in", async () => {
    const email = uniqueEmail("new");
    const res = await admin.post(`/api/v1/teams/${team}/members`, { email: email.toUpperCase(), role: "MEMBER", password: "new-user-pw-1", name: "New" });
    const m = ZMember.parse(expectStatus(res, 201));
    expect(m).toMatchObject({ email, role: "MEMBER", name: "New", disabled: false });
    const rows = await sql<{ passwordHash: string }>(c.databaseUrl, `SELECT "passwordHash" FROM "User" WHERE email = $1`, [email]);
    expect(rows[0]?.passwordHash).toMatch(/^\$argon2id\$/);
    expectStatus(await new Api(c.url).post("/api/v1/auth/token", { email, password: "new-user-pw-1" }), 201);
  });

  it("an owner adds an existing user without a password", async () => {
    const res = await owner.api.post(`/api/v1/teams/${team}/members`, { email: outsider.email, role: "VIEWER" });
    expect(ZMember.parse(expectStatus(res, 201))).toMatchObject({ userId: outsider.id, role: "VIEWER" });
    expectStatus(await outsider.api.get(`/api/v1/teams/${team}`), 200);
    expectStatus(await owner.api.delete(`/api/v1/teams/${team}/members/${outsider.id}`), 200);
    expectError(await outsider.api.get(`/api/v1/teams/${team}`), 404, "NOT_FOUND");
  });

  it("an email without an account is 400 pointing to invitations, and nothing is created", async () => {
    const email = uniqueEmail("nopw");
    const err = expectError(await owner.api.post(`/api/v1/teams/${team}/members`, { email, role: "MEMBER" }), 400, "VALIDATION");
    expect(err.message).toMatch(/invite/i);
    expect(err.details).toMatchObject({ issues: [expect.objectContaining({ path: "email" })] });
    expect(await sql(c.databaseUrl, `SELECT 1 FROM "User" WHERE email = $1`, [email])).toEqual([]);
  });

  it("member add validates: bad role, bad email, short password, unknown field → 400", async () => {
    const path = `/api/v1/teams/${team}/members`;
    expectError(await owner.api.post(path, { email: uniqueEmail(), role: "ADMIN", password: "long-enough" }), 400, "VALIDATION");
    expectError(await owner.api.post(path, { email: "not-an-email", role: "MEMBER", password: "long-enough" }), 400, "VALIDATION");
    expectError(await owner.api.post(path, { email: uniqueEmail(), role: "MEMBER", password: "short" }), 400, "VALIDATION");
    expectError(await owner.api.post(path, { email: uniqueEmail(), role: "MEMBER", password: "long-enough", isAdmin: true }), 400, "VALIDATION");
  });

  it("adding someone who is already a member is 409", async () => {
    const err = expectError(await owner.api.post(`/api/v1/teams/${team}/members`, { email: member.email, role: "VIEWER" }), 409, "CONFLICT");
    expect(err.details).toMatchObject({ role: "MEMBER" });
  });

  it("VIEWER and MEMBER cannot add members (403)", async () => {
    const body = { email: uniqueEmail(), role: "VIEWER", password: "long-enough" };
    expectError(await viewer.api.post(`/api/v1/teams/${team}/members`, body), 403, "FORBIDDEN");
    expectError(await member.api.post(`/api/v1/teams/${team}/members`, body), 403, "FORBIDDEN");
    expect(await sql(c.databaseUrl, `SELECT 1 FROM "User" WHERE email = $1`, [body.email])).toEqual([]);
  });

  it("VIEWER and MEMBER cannot change roles or remove members (403)", async () => {
    expectError(await viewer.api.patch(`/api/v1/teams/${team}/members/${viewer.id}`, { role: "OWNER" }), 403, "FORBIDDEN");
    expectError(await member.api.patch(`/api/v1/teams/${team}/members/${member.id}`, { role: "OWNER" }), 403, "FORBIDDEN");
    expectError(await member.api.delete(`/api/v1/teams/${team}/members/${viewer.id}`), 403, "FORBIDDEN");
  });

  it("an owner changes a role; unknown member is 404; bad body is 400", async () => {
    const up = ZMember.parse(expectStatus(await owner.api.patch(`/api/v1/teams/${team}/members/${viewer.id}`, { role: "MEMBER" }), 200));
    expect(up).toMatchObject({ userId: viewer.id, role: "MEMBER" });
    expect(ZTeam.parse((await viewer.api.get(`/api/v1/teams/${team}`)).body).role).toBe("MEMBER");
    expectStatus(await owner.api.patch(`/api/v1/teams/${team}/members/${viewer.id}`, { role: "VIEWER" }), 200);
    expectError(await owner.api.patch(`/api/v1/teams/${team}/members/no-such-user`, { role: "MEMBER" }), 404, "NOT_FOUND");
    expectError(await owner.api.patch(`/api/v1/teams/${team}/members/${viewer.id}`, { role: "KING" }), 400, "VALIDATION");
    expectError(await owner.api.patch(`/api/v1/teams/${team}/members/${viewer.id}`, { role: "MEMBER", extra: 1 }), 400, "VALIDATION");
    expectError(await owner.api.delete(`/api/v1/teams/${team}/members/no-such-user`), 404, "NOT_FOUND");
  });

  it("the last owner can be neither demoted nor removed (409); with a second owner both work", async () => {
    const solo = await makeTeam(admin);
    const boss = await makeMember(admin, solo, "OWNER");
    expectError(await boss.api.patch(`/api/v1/teams/${solo}/members/${boss.id}`, { role: "MEMBER" }), 409, "CONFLICT");
    expectError(await boss.api.delete(`/api/v1/teams/${solo}/members/${boss.id}`), 409, "CONFLICT");
    expectError(await admin.delete(`/api/v1/teams/${solo}/members/${boss.id}`), 409, "CONFLICT");
    const rows = await sql<{ role: string }>(c.databaseUrl, `SELECT role::text AS role FROM "Membership" WHERE "userId" = $1`, [boss.id]);
    expect(rows).toEqual([{ role: "OWNER" }]);

    const second = await makeMember(admin, solo, "MEMBER");
    expectStatus(await boss.api.patch(`/api/v1/teams/${solo}/members/${second.id}`, { role: "OWNER" }), 200);
    expectStatus(await second.api.patch(`/api/v1/teams/${solo}/members/${boss.id}`, { role: "VIEWER" }), 200);
    expectStatus(await second.api.delete(`/api/v1/teams/${solo}/members/${boss.id}`), 200);
    expectError(await boss.api.get(`/api/v1/teams/${solo}`), 404, "NOT_FOUND");
  });

  it("an admin who is not a member manages any team", async () => {
    const res = await admin.post(`/api/v1/teams/${other}/members`, { email: uniqueEmail("byadmin"), role: "VIEWER", password: "long-enough" });
    expectStatus(res, 201);
    expect(ZTeam.parse((await admin.get(`/api/v1/teams/${other}`)).body).role).toBeNull();
  });
});

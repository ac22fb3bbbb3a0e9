import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ZMe, ZUser } from "@/lib/protocol/api";
import { Api, adminApi, createToken, expectError, expectStatus, sessionLogin } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
const anon = new Api(c.url);

describe("GET /api/v1/me", () => {
  it("shows the caller with their teams", async () => {
    const admin = await adminApi(c);
    const team = await makeTeam(admin);
    const user = await makeMember(admin, team, "MEMBER");
    const me = ZMe.parse(expectStatus(await user.api.get("/api/v1/me"), 200));
    expect(me).toEqual({ id: user.id, email: user.email, name: user.email.split("@")[0], isAdmin: false, teams: [{ slug: team, name: `Team ${team}`, role: "MEMBER" }] });
    expectError(await anon.get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });
});

describe("/api/v1/users", () => {
  let admin: Api;
  let user: TTestUser;
  let adminId: string;

  beforeAll(async () => {
    admin = await adminApi(c);
    user = await makeMember(admin, await makeTeam(admin), "MEMBER");
    adminId = ZMe.parse((await admin.get("/api/v1/me")).body).id;
  });

  it("GET lists users for admins (403 for others, 401 without credentials)", async () => {
    const users = z.array(ZUser).parse(expectStatus(await admin.get("/api/v1/users"), 200));
    expect(users.map((u) => u.email)).toEqual(expect.arrayContaining([c.adminEmail, user.email]));
    expect(JSON.stringify(users)).not.toMatch(/passwordHash|argon2/);
    expectError(await user.api.get("/api/v1/users"), 403, "FORBIDDEN");
    expectError(await anon.get("/api/v1/users"), 401, "UNAUTHENTICATED");
  });

  it("PATCH renames and promotes; non-admins get 403; unknown user 404; unknown field 400", async () => {
    const renamed = ZUser.parse(expectStatus(await admin.patch(`/api/v1/users/${user.id}`, { name: "Renamed" }), 200));
    expect(renamed).toMatchObject({ id: user.id, name: "Renamed", isAdmin: false });
    expectError(await user.api.patch(`/api/v1/users/${user.id}`, { isAdmin: true }), 403, "FORBIDDEN");
    expect(ZMe.parse((await user.api.get("/api/v1/me")).body).isAdmin).toBe(false);
    expectError(await admin.patch("/api/v1/users/no-such-user", { name: "x" }), 404, "NOT_FOUND");
    expectError(await admin.patch(`/api/v1/users/${user.id}`, { email: "x@y.z" }), 400, "VALIDATION");
    expectError(await anon.patch(`/api/v1/users/${user.id}`, { name: "x" }), 401, "UNAUTHENTICATED");
  });

  it("an admin cannot disable or demote themselves (409)", async () => {
    expectError(await admin.patch(`/api/v1/users/${adminId}`, { disabled: true }), 409, "CONFLICT");
    expectError(await admin.patch(`/api/v1/users/${adminId}`, { isAdmin: false }), 409, "CONFLICT");
    expectStatus(await admin.get("/api/v1/me"), 200);
  });

  it("a promoted user gets admin powers at once, and loses them when demoted", async () => {
    const other = await makeMember(admin, await makeTeam(admin), "VIEWER");
    expectError(await other.api.get("/api/v1/users"), 403, "FORBIDDEN");
    expectStatus(await admin.patch(`/api/v1/users/${other.id}`, { isAdmin: true }), 200);
    expectStatus(await other.api.get("/api/v1/users"), 200);
    expectStatus(await admin.patch(`/api/v1/users/${other.id}`, { isAdmin: false }), 200);
    expectError(await other.api.get("/api/v1/users"), 403, "FORBIDDEN");
  });

  it("disabling a user refuses their token and their session at once; enabling restores them", async () => {
    const victim = await makeMember(admin, await makeTeam(admin), "MEMBER");
    const cookie = await sessionLogin(c.url, victim.email, victim.password);
    const session = new Api(c.url, { cookie });
    expectStatus(await session.get("/api/v1/me"), 200);
    expectStatus(await victim.api.get("/api/v1/me"), 200);

    const res = await admin.patch(`/api/v1/users/${victim.id}`, { disabled: true });
    expect(ZUser.parse(expectStatus(res, 200)).disabled).toBe(true);
    expectError(await victim.api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectError(await session.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectError(await session.with({ origin: c.url }).post("/api/v1/auth/tokens", { name: "sneaky" }), 401, "UNAUTHENTICATED");
    await expect(createToken(c.url, victim.email, victim.password)).rejects.toThrow(/HTTP 401/);

    expectStatus(await admin.patch(`/api/v1/users/${victim.id}`, { disabled: false }), 200);
    expectStatus(await victim.api.get("/api/v1/me"), 200);
    expectStatus(await session.get("/api/v1/me"), 200);
  });
});

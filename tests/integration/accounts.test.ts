import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { ZAccountLinkAccepted, ZAccountLinkCreated, ZAccountLinkInfo, ZInvite, ZMember, ZPasswordChanged, ZUserCreated } from "@/lib/protocol/api";
import { adminApi, Api, createToken, expectError, expectStatus, sessionLogin, SESSION_COOKIE, uniqueEmail, uniqueIp } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

/**
 * Accounts as issue 14 wants them: nobody chooses another person's password. Owners invite with
 * a one-use link, admins create accounts or force resets with one, and a user changing their own
 * password can end every other session and token at once, open sockets included.
 */
const c = consoleInfo();
const open: Socket[] = [];
let admin: Api;
let team: string;
let owner: TTestUser;

const tokenOf = (url: string) => new URL(url).pathname.split("/").pop() ?? "";
const anon = () => new Api(c.url, { ip: uniqueIp() });

function connectUi(auth: { token?: string; cookie?: string }): Promise<Socket> {
  const socket = io(`${c.url}/ui`, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
    auth: auth.token ? { token: auth.token } : {},
    extraHeaders: { origin: c.url, ...(auth.cookie ? { cookie: auth.cookie } : {}) },
  });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** Resolves with the reason once the server ends the socket; fails the test if it does not within 5 s. */
function serverDisconnect(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) return resolve("already closed");
    const timer = setTimeout(() => reject(new Error("the socket stayed connected")), 5_000);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

async function passwordHashOf(email: string): Promise<string | undefined> {
  return (await sql<{ passwordHash: string }>(c.databaseUrl, `SELECT "passwordHash" FROM "User" WHERE email = $1`, [email]))[0]?.passwordHash;
}

afterEach(() => {
  while (open.length) open.pop()?.disconnect();
});

beforeAll(async () => {
  admin = await adminApi(c);
  team = await makeTeam(admin);
  owner = await makeMember(admin, team, "OWNER");
});

describe("invitations", () => {
  it("an owner invites a new email; the invitee chooses their password through the link, joins with the role, and the link works once", async () => {
    const email = uniqueEmail("invitee");
    const created = ZAccountLinkCreated.parse(expectStatus(await owner.api.post(`/api/v1/teams/${team}/invitations`, { email, role: "MEMBER" }), 201));
    expect(created).toMatchObject({ kind: "INVITE", email, team, role: "MEMBER" });
    expect(created.url.startsWith(c.url)).toBe(true);
    expect(new Date(created.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    // Only its hash is kept.
    const stored = await sql<{ tokenHash: string }>(c.databaseUrl, `SELECT "tokenHash" FROM "AccountLink" WHERE id = $1`, [created.id]);
    expect(stored[0]?.tokenHash).not.toContain(tokenOf(created.url));

    const pending = ZInvite.array().parse(expectStatus(await owner.api.get(`/api/v1/teams/${team}/invitations`), 200));
    expect(pending.map((i) => i.email)).toContain(email);

    const token = tokenOf(created.url);
    const info = ZAccountLinkInfo.parse(expectStatus(await anon().get(`/api/v1/invitations/${token}`), 200));
    expect(info).toMatchObject({ kind: "INVITE", email, role: "MEMBER", team: { slug: team } });

    // A weak password is refused and leaves the link usable.
    expectError(await anon().post(`/api/v1/invitations/${token}`, { password: "short" }), 400, "VALIDATION");
    expectError(await anon().post(`/api/v1/invitations/${token}`, { password: "aaaaaaaaaaaa" }), 400, "VALIDATION");
    expect(await passwordHashOf(email)).toBeUndefined();

    const chosen = "invitee-chose-this-1";
    const accepted = ZAccountLinkAccepted.parse(expectStatus(await anon().post(`/api/v1/invitations/${token}`, { password: chosen, name: "Ivy" }), 200));
    expect(accepted).toEqual({ email, team, created: true });
    const t = await createToken(c.url, email, chosen);
    const me = expectStatus(await new Api(c.url, { token: t.token }).get("/api/v1/me"), 200);
    expect(me).toMatchObject({ email, name: "Ivy", teams: [{ slug: team, role: "MEMBER" }] });

    // Used: a second use, even with another password, changes nothing.
    expectError(await anon().post(`/api/v1/invitations/${token}`, { password: "someone-else-9" }), 404, "NOT_FOUND");
    expectError(await anon().get(`/api/v1/invitations/${token}`), 404, "NOT_FOUND");
    expectStatus(await new Api(c.url).post("/api/v1/auth/token", { email, password: chosen }), 201);
    expect(ZInvite.array().parse((await owner.api.get(`/api/v1/teams/${team}/invitations`)).body).map((i) => i.email)).not.toContain(email);
  });

  it("an invitation for an existing account reads the same, and joins only with that account's own password", async () => {
    const other = await makeTeam(admin);
    const existing = await makeMember(admin, other, "VIEWER");
    const fresh = uniqueEmail("fresh");
    const a = ZAccountLinkCreated.parse((await owner.api.post(`/api/v1/teams/${team}/invitations`, { email: existing.email, role: "VIEWER" })).body);
    const b = ZAccountLinkCreated.parse((await owner.api.post(`/api/v1/teams/${team}/invitations`, { email: fresh, role: "VIEWER" })).body);
    const infoA = ZAccountLinkInfo.parse((await anon().get(`/api/v1/invitations/${tokenOf(a.url)}`)).body);
    const infoB = ZAccountLinkInfo.parse((await anon().get(`/api/v1/invitations/${tokenOf(b.url)}`)).body);
    expect(Object.keys(infoA).sort()).toEqual(Object.keys(infoB).sort());
    expect({ ...infoA, email: "", expiresAt: "" }).toEqual({ ...infoB, email: "", expiresAt: "" });

    const hashBefore = await passwordHashOf(existing.email);
    // The link holder (the inviting owner, say) cannot set the existing account's password.
    expectError(await anon().post(`/api/v1/invitations/${tokenOf(a.url)}`, { password: "owner-picked-pw-1" }), 401, "UNAUTHENTICATED");
    expect(await passwordHashOf(existing.email)).toBe(hashBefore);
    expectError(await existing.api.get(`/api/v1/teams/${team}`), 404, "NOT_FOUND");

    const joined = ZAccountLinkAccepted.parse(expectStatus(await anon().post(`/api/v1/invitations/${tokenOf(a.url)}`, { password: existing.password }), 200));
    expect(joined).toEqual({ email: existing.email, team, created: false });
    expect(await passwordHashOf(existing.email)).toBe(hashBefore);
    expect(expectStatus(await existing.api.get(`/api/v1/teams/${team}`), 200)).toMatchObject({ role: "VIEWER" });
  });

  it("a revoked, superseded or expired invitation stops working", async () => {
    const email = uniqueEmail("revoked");
    const first = ZAccountLinkCreated.parse((await owner.api.post(`/api/v1/teams/${team}/invitations`, { email, role: "VIEWER" })).body);
    const second = ZAccountLinkCreated.parse((await owner.api.post(`/api/v1/teams/${team}/invitations`, { email, role: "MEMBER" })).body);
    expectError(await anon().get(`/api/v1/invitations/${tokenOf(first.url)}`), 404, "NOT_FOUND");
    expectStatus(await owner.api.delete(`/api/v1/teams/${team}/invitations/${second.id}`), 200);
    expectError(await anon().post(`/api/v1/invitations/${tokenOf(second.url)}`, { password: "would-have-been-1" }), 404, "NOT_FOUND");
    expectError(await owner.api.delete(`/api/v1/teams/${team}/invitations/${second.id}`), 404, "NOT_FOUND");

    const third = ZAccountLinkCreated.parse((await owner.api.post(`/api/v1/teams/${team}/invitations`, { email, role: "MEMBER" })).body);
    await sql(c.databaseUrl, `UPDATE "AccountLink" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [third.id]);
    expectError(await anon().post(`/api/v1/invitations/${tokenOf(third.url)}`, { password: "would-have-been-1" }), 404, "NOT_FOUND");
    expect(await passwordHashOf(email)).toBeUndefined();
    expectError(await anon().get("/api/v1/invitations/berth_link_not-a-real-one"), 404, "NOT_FOUND");
  });

  it("only owners and admins invite (members 403, outsiders 404); a current member is 409; bad bodies 400", async () => {
    const member = await makeMember(admin, team, "MEMBER");
    const viewer = await makeMember(admin, team, "VIEWER");
    const outsider = await makeMember(admin, await makeTeam(admin), "OWNER");
    const body = { email: uniqueEmail("nope"), role: "VIEWER" };
    expectError(await member.api.post(`/api/v1/teams/${team}/invitations`, body), 403, "FORBIDDEN");
    expectError(await viewer.api.post(`/api/v1/teams/${team}/invitations`, body), 403, "FORBIDDEN");
    expectError(await outsider.api.post(`/api/v1/teams/${team}/invitations`, body), 404, "NOT_FOUND");
    expectError(await member.api.get(`/api/v1/teams/${team}/invitations`), 403, "FORBIDDEN");
    expect(await sql(c.databaseUrl, `SELECT 1 FROM "AccountLink" WHERE email = $1`, [body.email])).toEqual([]);
    expectError(await owner.api.post(`/api/v1/teams/${team}/invitations`, { email: member.email, role: "OWNER" }), 409, "CONFLICT");
    expectError(await owner.api.post(`/api/v1/teams/${team}/invitations`, { email: "not-an-email", role: "VIEWER" }), 400, "VALIDATION");
    expectError(await owner.api.post(`/api/v1/teams/${team}/invitations`, { ...body, role: "ADMIN" }), 400, "VALIDATION");
    expectError(await owner.api.post(`/api/v1/teams/${team}/invitations`, { ...body, password: "owner-chosen-pw-1" }), 400, "VALIDATION");
    expectStatus(await admin.post(`/api/v1/teams/${team}/invitations`, body), 201);
  });
});

describe("accounts made by admins", () => {
  it("an admin creates an account without a password; the person sets it through the link", async () => {
    const email = uniqueEmail("created");
    const res = ZUserCreated.parse(expectStatus(await admin.post("/api/v1/users", { email, name: "Cara" }), 201));
    expect(res.user).toMatchObject({ email, name: "Cara", isAdmin: false });
    expect(res.link).toMatchObject({ kind: "RESET", email });
    const url = res.link?.url ?? "";
    expect(ZAccountLinkInfo.parse((await anon().get(`/api/v1/invitations/${tokenOf(url)}`)).body)).toMatchObject({ kind: "RESET", email, team: null });
    expectError(await anon().post(`/api/v1/invitations/${tokenOf(url)}`, { password: "password123" }), 400, "VALIDATION");
    expect(expectStatus(await anon().post(`/api/v1/invitations/${tokenOf(url)}`, { password: "cara-own-choice-7" }), 200)).toEqual({ email, team: null, created: false });
    expectStatus(await new Api(c.url).post("/api/v1/auth/token", { email, password: "cara-own-choice-7" }), 201);

    expectError(await admin.post("/api/v1/users", { email }), 409, "CONFLICT");
    expectError(await owner.api.post("/api/v1/users", { email: uniqueEmail() }), 403, "FORBIDDEN");
    expectError(await admin.post("/api/v1/users", { email: uniqueEmail(), password: "short" }), 400, "VALIDATION");
  });

  it("a forced reset ends the old password, sessions, tokens and sockets, and the link sets a new one", async () => {
    const user = await makeMember(admin, team, "MEMBER");
    const cookie = await sessionLogin(c.url, user.email, user.password);
    const session = new Api(c.url, { cookie, origin: c.url });
    expectStatus(await session.get("/api/v1/me"), 200);
    const socket = await connectUi({ token: user.token });
    const closed = serverDisconnect(socket);

    expectError(await owner.api.post(`/api/v1/users/${user.id}/password-reset`), 403, "FORBIDDEN");
    const link = ZAccountLinkCreated.parse(expectStatus(await admin.post(`/api/v1/users/${user.id}/password-reset`), 201));
    expect(await closed).toBe("io server disconnect");
    expectError(await session.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectError(await user.api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectError(await new Api(c.url).post("/api/v1/auth/token", { email: user.email, password: user.password }), 401, "UNAUTHENTICATED");

    expectStatus(await anon().post(`/api/v1/invitations/${tokenOf(link.url)}`, { password: "after-the-reset-2" }), 200);
    expectStatus(await new Api(c.url).post("/api/v1/auth/token", { email: user.email, password: "after-the-reset-2" }), 201);
  });
});

describe("POST /api/v1/me/password", () => {
  it("checks the current password and the new one's strength, changing nothing on refusal", async () => {
    const user = await makeMember(admin, team, "VIEWER");
    const before = await passwordHashOf(user.email);
    expect(expectError(await user.api.post("/api/v1/me/password", { current: "wrong-one-123", new: "brand-new-pw-1" }), 400, "VALIDATION").details).toMatchObject({
      issues: [expect.objectContaining({ path: "current" })],
    });
    expectError(await user.api.post("/api/v1/me/password", { current: user.password, new: "tiny" }), 400, "VALIDATION");
    expectError(await user.api.post("/api/v1/me/password", { current: user.password, new: user.password }), 400, "VALIDATION");
    expectError(await new Api(c.url).post("/api/v1/me/password", { current: user.password, new: "brand-new-pw-1" }), 401, "UNAUTHENTICATED");
    expect(await passwordHashOf(user.email)).toBe(before);
  });

  it("without signing out elsewhere, other sessions and tokens keep working", async () => {
    const user = await makeMember(admin, team, "VIEWER");
    const cookie = await sessionLogin(c.url, user.email, user.password);
    const changed = ZPasswordChanged.parse(expectStatus(await user.api.post("/api/v1/me/password", { current: user.password, new: "second-password-3" }), 200));
    expect(changed).toEqual({ signedOutOtherSessions: false, revokedTokens: 0 });
    expectStatus(await new Api(c.url, { cookie }).get("/api/v1/me"), 200);
    expectStatus(await user.api.get("/api/v1/me"), 200);
    expectError(await new Api(c.url).post("/api/v1/auth/token", { email: user.email, password: user.password }), 401, "UNAUTHENTICATED");
    expectStatus(await new Api(c.url).post("/api/v1/auth/token", { email: user.email, password: "second-password-3" }), 201);
  });

  it("with sign out everywhere, every other session, token and open socket ends at once; the asking session stays", async () => {
    const user = await makeMember(admin, team, "MEMBER");
    const laptop = await sessionLogin(c.url, user.email, user.password);
    const phone = await sessionLogin(c.url, user.email, user.password);
    const spare = await createToken(c.url, user.email, user.password, { name: "spare" });
    const bystander = await makeMember(admin, team, "VIEWER");

    const phoneSocket = await connectUi({ cookie: phone });
    const tokenSocket = await connectUi({ token: spare.token });
    const bystanderSocket = await connectUi({ token: bystander.token });
    const phoneClosed = serverDisconnect(phoneSocket);
    const tokenClosed = serverDisconnect(tokenSocket);

    const res = await new Api(c.url, { cookie: laptop, origin: c.url }).post("/api/v1/me/password", {
      current: user.password,
      new: "everywhere-else-4",
      signOutEverywhere: true,
    });
    const changed = ZPasswordChanged.parse(expectStatus(res, 200));
    expect(changed.signedOutOtherSessions).toBe(true);
    expect(changed.revokedTokens).toBe(2); // makeMember's token and the spare one
    expect(await phoneClosed).toBe("io server disconnect");
    expect(await tokenClosed).toBe("io server disconnect");
    expect(bystanderSocket.connected).toBe(true);

    expectError(await new Api(c.url, { cookie: phone }).get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectError(await new Api(c.url, { token: spare.token }).get("/api/v1/me"), 401, "UNAUTHENTICATED");
    expectError(await user.api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    // The laptop's session was re-signed: the new cookie works, the old one does not.
    expectError(await new Api(c.url, { cookie: laptop }).get("/api/v1/me"), 401, "UNAUTHENTICATED");
    const reissued = res.headers.getSetCookie().find((h) => h.startsWith(`${SESSION_COOKIE}=`));
    expect(reissued).toMatch(/HttpOnly/i);
    const laptopNow = `${SESSION_COOKIE}=${reissued?.split(";")[0]?.split("=").slice(1).join("=")}`;
    expect(expectStatus(await new Api(c.url, { cookie: laptopNow }).get("/api/v1/me"), 200)).toMatchObject({ email: user.email });
    await expect(connectUi({ cookie: laptopNow })).resolves.toBeTruthy();
    await expect(connectUi({ cookie: phone })).rejects.toThrow();
    expect(await sql(c.databaseUrl, `SELECT 1 FROM "AuditEvent" WHERE action = 'user.password_change' AND "actorId" = $1`, [user.id])).toHaveLength(1);
  });

  it("a token-authenticated change keeps that token and revokes the rest", async () => {
    const user = await makeMember(admin, team, "VIEWER");
    const other = await createToken(c.url, user.email, user.password, { name: "other" });
    const changed = ZPasswordChanged.parse(
      expectStatus(await user.api.post("/api/v1/me/password", { current: user.password, new: "token-changed-5", signOutEverywhere: true }), 200),
    );
    expect(changed.revokedTokens).toBe(1);
    expectStatus(await user.api.get("/api/v1/me"), 200);
    expectError(await new Api(c.url, { token: other.token }).get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });
});

describe("credentials that end close open sockets", () => {
  it("revoking a token closes the sockets it opened; disabling a user closes all of theirs", async () => {
    const user = await makeMember(admin, team, "VIEWER");
    const second = await createToken(c.url, user.email, user.password, { name: "second" });
    const first = await connectUi({ token: user.token });
    const other = await connectUi({ token: second.token });
    const firstClosed = serverDisconnect(first);
    expectStatus(await user.api.delete(`/api/v1/auth/tokens/${user.tokenId}`), 200);
    expect(await firstClosed).toBe("io server disconnect");
    expect(other.connected).toBe(true);

    const otherClosed = serverDisconnect(other);
    expectStatus(await admin.patch(`/api/v1/users/${user.id}`, { disabled: true }), 200);
    expect(await otherClosed).toBe("io server disconnect");
  });

  it("the members API adds an existing user as before", async () => {
    const person = await makeMember(admin, await makeTeam(admin), "VIEWER");
    expect(ZMember.parse(expectStatus(await owner.api.post(`/api/v1/teams/${team}/members`, { email: person.email, role: "VIEWER" }), 201))).toMatchObject({ userId: person.id });
  });
});

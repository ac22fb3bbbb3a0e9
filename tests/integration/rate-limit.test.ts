import { beforeAll, describe, expect, it } from "vitest";
import { Api, adminApi, expectError, expectStatus, uniqueEmail, uniqueIp } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
const IP_MAX_FAILURES = 20; // BERTH_LOGIN_MAX_FAILURES default

function tokenAttempt(email: string, password: string, ip: string) {
  return new Api(c.url, { ip }).post("/api/v1/auth/token", { email, password, name: "limiter" });
}

describe("login throttle on POST /api/v1/auth/token", () => {
  let users: TTestUser[];

  beforeAll(async () => {
    const admin = await adminApi(c);
    const team = await makeTeam(admin);
    users = [];
    for (let i = 0; i < 4; i++) users.push(await makeMember(admin, team, "MEMBER"));
  });

  it("50 wrong passwords for the admin from one IP slow that IP down; the admin still signs in from another", async () => {
    const attacker = uniqueIp();
    const answers: number[] = [];
    for (let i = 0; i < 50; i++) answers.push((await tokenAttempt(c.adminEmail, `wrong-${i}`, attacker)).status);
    const refused = answers.filter((s) => s === 429).length;
    expect(answers.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(refused, `statuses: ${answers.join(",")}`).toBeGreaterThanOrEqual(40);
    const slowed = await tokenAttempt(c.adminEmail, c.adminPassword, attacker);
    const err = expectError(slowed, 429, "RATE_LIMITED");
    const retryAfter = Number(slowed.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(err.details).toMatchObject({ retryAfterSeconds: retryAfter });
    expectStatus(await tokenAttempt(c.adminEmail, c.adminPassword, uniqueIp()), 201);
  });

  it("failures for one account from many IPs do not lock it: its owner still gets in", async () => {
    const [victim] = users;
    for (let i = 0; i < 10; i++) expectError(await tokenAttempt(victim.email, `wrong-${i}`, uniqueIp()), 401, "UNAUTHENTICATED");
    expectStatus(await tokenAttempt(victim.email, victim.password, uniqueIp()), 201);
    // Tokens issued before keep working: the throttle guards logins only.
    expectStatus(await victim.api.get("/api/v1/me"), 200);
  });

  it("a right password within the free failures works and clears that IP's delays for the account", async () => {
    const user = users[1];
    const ip = uniqueIp();
    for (let i = 0; i < 3; i++) expectError(await tokenAttempt(user.email, "wrong-password", ip), 401, "UNAUTHENTICATED");
    expectStatus(await tokenAttempt(user.email, user.password, ip), 201);
    for (let i = 0; i < 3; i++) expectError(await tokenAttempt(user.email, "wrong-password", ip), 401, "UNAUTHENTICATED");
    expectStatus(await tokenAttempt(user.email, user.password, ip), 201);
  });

  it("limits an IP failing across many accounts; other IPs are unaffected", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < IP_MAX_FAILURES; i++) {
      expectError(await tokenAttempt(uniqueEmail("nobody"), "wrong-password", ip), 401, "UNAUTHENTICATED");
    }
    const user = users[2];
    const res = await tokenAttempt(user.email, user.password, ip);
    expectError(res, 429, "RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expectStatus(await tokenAttempt(user.email, user.password, uniqueIp()), 201);
  });

  it("behind one trusted proxy, rotating the client-written X-Forwarded-For entries does not dodge the IP limit", async () => {
    // The proxy appends the address it saw (the real client) to whatever the client sent.
    const client = uniqueIp();
    for (let i = 0; i < IP_MAX_FAILURES; i++) {
      expectError(await tokenAttempt(uniqueEmail("nobody"), "wrong-password", `${uniqueIp()}, ${client}`), 401, "UNAUTHENTICATED");
    }
    expectError(await tokenAttempt(users[2].email, users[2].password, `${uniqueIp()}, ${client}`), 429, "RATE_LIMITED");
    expectStatus(await tokenAttempt(users[2].email, users[2].password, `${client}, ${uniqueIp()}`), 201);
  });

  it("unknown user and wrong password answer the same status and body", async () => {
    const wrongPassword = await tokenAttempt(users[3].email, "wrong-password", uniqueIp());
    const unknownUser = await tokenAttempt(uniqueEmail("ghost"), "wrong-password", uniqueIp());
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(wrongPassword.status);
    expect(unknownUser.text).toBe(wrongPassword.text);
  });

  it("a disabled user's right password is the same 401 as a wrong one", async () => {
    const admin = await adminApi(c);
    const user = await makeMember(admin, await makeTeam(admin), "VIEWER");
    expectStatus(await admin.patch(`/api/v1/users/${user.id}`, { disabled: true }), 200);
    const disabled = await tokenAttempt(user.email, user.password, uniqueIp());
    const wrong = await tokenAttempt(users[3].email, "wrong-password", uniqueIp());
    expect(disabled.status).toBe(401);
    expect(disabled.text).toBe(wrong.text);
  });
});

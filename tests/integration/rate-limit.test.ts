import { beforeAll, describe, expect, it } from "vitest";
import { Api, adminApi, expectError, expectStatus, uniqueEmail, uniqueIp } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
const MAX_FAILURES = 5; // BERTH_LOGIN_MAX_FAILURES default

function tokenAttempt(email: string, password: string, ip: string) {
  return new Api(c.url, { ip }).post("/api/v1/auth/token", { email, password, name: "limiter" });
}

describe("login limiter on POST /api/v1/auth/token", () => {
  let users: TTestUser[];

  beforeAll(async () => {
    const admin = await adminApi(c);
    const team = await makeTeam(admin);
    users = [];
    for (let i = 0; i < 4; i++) users.push(await makeMember(admin, team, "MEMBER"));
  });

  it("locks an account after 5 failures, from any IP, even when the 6th password is right", async () => {
    const [victim] = users;
    for (let i = 0; i < MAX_FAILURES; i++) {
      expectError(await tokenAttempt(victim.email, `wrong-${i}`, uniqueIp()), 401, "UNAUTHENTICATED");
    }
    const res = await tokenAttempt(victim.email, victim.password, uniqueIp());
    const err = expectError(res, 429, "RATE_LIMITED");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(err.details).toMatchObject({ retryAfterSeconds: retryAfter });
    // Tokens issued before the lockout keep working: the limiter guards logins only.
    expectStatus(await victim.api.get("/api/v1/me"), 200);
  });

  it("below the limit a right password still works and clears the account's count", async () => {
    const user = users[1];
    for (let i = 0; i < MAX_FAILURES - 1; i++) {
      expectError(await tokenAttempt(user.email, "wrong-password", uniqueIp()), 401, "UNAUTHENTICATED");
    }
    expectStatus(await tokenAttempt(user.email, user.password, uniqueIp()), 201);
    // The success reset the account: four more failures are still not a lockout.
    for (let i = 0; i < MAX_FAILURES - 1; i++) {
      expectError(await tokenAttempt(user.email, "wrong-password", uniqueIp()), 401, "UNAUTHENTICATED");
    }
    expectStatus(await tokenAttempt(user.email, user.password, uniqueIp()), 201);
  });

  it("locks an IP after 5 failures across different accounts; other IPs are unaffected", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < MAX_FAILURES; i++) {
      expectError(await tokenAttempt(uniqueEmail("nobody"), "wrong-password", ip), 401, "UNAUTHENTICATED");
    }
    const user = users[2];
    const res = await tokenAttempt(user.email, user.password, ip);
    expectError(res, 429, "RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expectStatus(await tokenAttempt(user.email, user.password, uniqueIp()), 201);
  });

  it("keys on the first X-Forwarded-For address (the client), not the proxies after it", async () => {
    const client = uniqueIp();
    for (let i = 0; i < MAX_FAILURES; i++) {
      expectError(await tokenAttempt(uniqueEmail("nobody"), "wrong-password", `${client}, ${uniqueIp()}`), 401, "UNAUTHENTICATED");
    }
    expectError(await tokenAttempt(users[2].email, users[2].password, client), 429, "RATE_LIMITED");
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

import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAlert, TWebhook, TWebhookDelivery } from "@/lib/protocol/alerts";
import type { TAppView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { makeMember, makeTeam } from "../helpers/fixtures";
import { signatureValid, startReceiver } from "../helpers/webhook-receiver";

/**
 * Webhooks against a receiver this test runs on loopback: signed deliveries, a retry after a 500
 * (the test console's first retry waits about 1 s), and the delivery log. Also the quota and
 * autoscale rules, whose alerts are what the webhook hears.
 */
const c = consoleInfo();
const SECRET = "a-webhook-secret-for-tests";
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let owner: Api;
let member: Api;
let team: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "webhooks");
  team = await makeTeam(admin, { quota: { cpu: 1, memoryMiB: 1024, diskGiB: 10, sets: 4 } });
  owner = (await makeMember(admin, team, "OWNER")).api;
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  for (const close of closers) await close();
  await agent?.destroy(engine, admin);
});

async function receiver(answers: number[] = []) {
  const r = await startReceiver(answers);
  closers.push(r.close);
  return r;
}

async function deliveries(id: string): Promise<TWebhookDelivery[]> {
  return expectStatus(await owner.get(`/api/v1/teams/${team}/webhooks/${id}/deliveries`), 200) as TWebhookDelivery[];
}

it("a test delivery answered 500 is retried with backoff; both attempts are signed and in the log", async () => {
  const r = await receiver([500]);
  const hook = expectStatus(await owner.post(`/api/v1/teams/${team}/webhooks`, { url: r.url, secret: SECRET }), 201) as TWebhook;
  expect(hook).toMatchObject({ team, url: r.url, events: [], lastDelivery: null });
  expect(JSON.stringify(hook)).not.toContain(SECRET);

  expectStatus(await owner.post(`/api/v1/teams/${team}/webhooks/${hook.id}/test`), 202);
  await waitFor("two attempts received", async () => r.received.length >= 2, 20_000, 100);
  const [first, second] = r.received;
  expect([first.answered, second.answered]).toEqual([500, 200]);
  for (const got of [first, second]) {
    expect(signatureValid(got, SECRET)).toBe(true);
    expect(signatureValid(got, "another-secret")).toBe(false);
    expect(got.headers["x-berth-event"]).toBe("test");
    expect(Number(got.headers["x-berth-timestamp"])).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(got.json.text).toMatch(/Test delivery from Berth/);
  }
  expect(second.headers["x-berth-delivery"]).toBe(first.headers["x-berth-delivery"]);
  // Backoff: about the base (1 s) with ±25 % jitter before the retry.
  expect(second.at - first.at).toBeGreaterThanOrEqual(700);

  const log = await waitFor("the log shows both outcomes", async () => {
    const d = await deliveries(hook.id);
    return d.length === 2 && d.every((x) => x.status !== "pending" && x.status !== "sending") ? d : null;
  }, 10_000, 200);
  expect(log.map((d) => [d.attempt, d.status, d.statusCode])).toEqual([
    [2, "delivered", 200],
    [1, "failed", 500],
  ]);
  expect(log[1].nextRetryAt).toBeTruthy();
  expect(log[1].error).toBe("HTTP 500");
  expect(log[0].durationMs).not.toBeNull();
  const listed = expectStatus(await owner.get(`/api/v1/teams/${team}/webhooks`), 200) as TWebhook[];
  expect(listed.find((w) => w.id === hook.id)?.lastDelivery).toMatchObject({ status: "delivered", statusCode: 200 });
}, 60_000);

it("quota_near_limit fires at 90 % of a limit and resolves below it; both reach the webhook and Prometheus", async () => {
  const r = await receiver();
  const hook = expectStatus(await owner.post(`/api/v1/teams/${team}/webhooks`, { url: r.url, secret: SECRET, events: ["quota_near_limit"] }), 201) as TWebhook;
  // 0.75 of 1 core: under 90 %, no alert.
  const small = { name: "load", replicas: 1, size: { cpu: 0.75, memoryMiB: 64, diskGiB: 1 }, containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }] };
  expectStatus(await member.post(`/api/v1/teams/${team}/apps`, small), 201);
  await new Promise((res) => setTimeout(res, 2500));
  expect(await member.get(`/api/v1/teams/${team}/alerts?rule=quota_near_limit`)).toMatchObject({ status: 200, body: [] });

  expectStatus(await member.post(`/api/v1/teams/${team}/apps`, { ...small, name: "more", size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 } }), 201);
  const fired = await waitFor("quota_near_limit firing", async () =>
    (expectStatus(await member.get(`/api/v1/teams/${team}/alerts?state=firing`), 200) as TAlert[]).find((a) => a.rule === "quota_near_limit"), 15_000, 200);
  expect(fired).toMatchObject({ severity: "critical", object: { kind: "team", name: team } });
  expect(fired.message).toMatch(/100 % of its CPU quota \(1 cores of 1 cores\)/);

  const firing = await waitFor("the firing delivery", async () => r.received.find((x) => x.json.event === "alert.firing"), 10_000, 100);
  expect(signatureValid(firing, SECRET)).toBe(true);
  expect(firing.json.alert).toMatchObject({ rule: "quota_near_limit", state: "firing", team, object: { id: fired.object.id } });
  expect(firing.json.text).toMatch(/FIRING critical.*quota_near_limit/);

  const metrics = await admin.get("/api/metrics");
  expect(metrics.text).toContain(`berth_alerts_firing{rule="quota_near_limit",team="${team}"} 1`);

  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/more`), 200);
  await waitFor("quota_near_limit resolved", async () =>
    (expectStatus(await member.get(`/api/v1/teams/${team}/alerts?state=resolved&rule=quota_near_limit`), 200) as TAlert[]).find((a) => a.id === fired.id), 30_000, 250);
  const resolved = await waitFor("the resolved delivery", async () => r.received.find((x) => x.json.event === "alert.resolved"), 10_000, 100);
  expect(resolved.json.alert).toMatchObject({ id: fired.id, state: "resolved" });
  expect((await admin.get("/api/metrics")).text).not.toContain(`berth_alerts_firing{rule="quota_near_limit",team="${team}"} 1`);
  // The webhook hears only its rules: every delivery it got is about quota_near_limit.
  expect(r.received.every((x) => x.json.alert?.rule === "quota_near_limit")).toBe(true);
  expect((await deliveries(hook.id)).map((d) => d.event).sort()).toEqual(["alert.firing", "alert.resolved"]);
  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/load`), 200);
}, 120_000);

it("autoscale_blocked fires from a blocked policy with what the scale-out needs, and resolves when unblocked", async () => {
  const app = expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, { name: "elastic", replicas: 1, size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 }, containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }] }),
    201,
  ) as TAppView;
  // What the autoscaler writes while quota blocks a scale-out (its own tests drive the real path).
  await sql(
    c.databaseUrl,
    `INSERT INTO "AutoscalePolicy" ("appId", "minReplicas", "maxReplicas", "cpuTargetPercent", "scaleOutStabilizationSeconds", "scaleInStabilizationSeconds", "blockedReason", "blockedSince", "blockedNeed", "updatedAt")
     VALUES ($1, 1, 8, 50, 0, 60, 'quota: 5 of 1 cores', now(), $2, now())`,
    [app.id, JSON.stringify({ replicas: 4, cpuMillis: 4000, memoryMiB: 0, diskGiB: 0 })],
  );
  const fired = await waitFor("autoscale_blocked firing", async () =>
    (expectStatus(await member.get(`/api/v1/teams/${team}/alerts?state=firing&rule=autoscale_blocked`), 200) as TAlert[])[0], 15_000, 200);
  expect(fired).toMatchObject({ severity: "warning", object: { kind: "app", id: app.id, name: "elastic" } });
  expect(fired.message).toContain("needs 4 more cores, 4 more sets");

  await sql(c.databaseUrl, `UPDATE "AutoscalePolicy" SET "blockedSince" = NULL, "blockedReason" = NULL, "blockedNeed" = NULL WHERE "appId" = $1`, [app.id]);
  await waitFor("autoscale_blocked resolved", async () =>
    (expectStatus(await member.get(`/api/v1/teams/${team}/alerts?state=resolved&rule=autoscale_blocked`), 200) as TAlert[]).find((a) => a.id === fired.id), 15_000, 200);
  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/elastic`), 200);
}, 120_000);

it("webhooks refuse bad input and roles below OWNER, and other teams see none of them", async () => {
  const path = `/api/v1/teams/${team}/webhooks`;
  const before = expectStatus(await owner.get(path), 200) as TWebhook[];
  expectError(await owner.post(path, { url: "ftp://example.test/x", secret: SECRET }), 400, "VALIDATION");
  expectError(await owner.post(path, { url: "not a url", secret: SECRET }), 400, "VALIDATION");
  expectError(await owner.post(path, { url: "http://user:pw@127.0.0.1/x", secret: SECRET }), 400, "VALIDATION");
  expectError(await owner.post(path, { url: "http://127.0.0.1/x" }), 400, "VALIDATION");
  expectError(await owner.post(path, { url: "http://127.0.0.1/x", secret: "short" }), 400, "VALIDATION");
  expectError(await owner.post(path, { url: "http://127.0.0.1/x", secret: SECRET, events: ["disk_on_fire"] }), 400, "VALIDATION");
  expectError(await owner.post(path, { url: "http://127.0.0.1/x", secret: SECRET, extra: true }), 400, "VALIDATION");
  expectError(await member.post(path, { url: "http://127.0.0.1/x", secret: SECRET }), 403, "FORBIDDEN");
  expectError(await member.get(path), 403, "FORBIDDEN");
  expect(expectStatus(await owner.get(path), 200)).toEqual(before);

  const other = await makeTeam(admin);
  const outsider = (await makeMember(admin, other, "OWNER")).api;
  const hook = before[0];
  expectError(await outsider.get(`/api/v1/teams/${team}/webhooks`), 404, "NOT_FOUND");
  // Named under the outsider's own team, another team's webhook does not exist.
  expectError(await outsider.get(`/api/v1/teams/${other}/webhooks/${hook.id}/deliveries`), 404, "NOT_FOUND");
  expectError(await outsider.post(`/api/v1/teams/${other}/webhooks/${hook.id}/test`), 404, "NOT_FOUND");
  expectError(await outsider.delete(`/api/v1/teams/${other}/webhooks/${hook.id}`), 404, "NOT_FOUND");
  expectError(await owner.get(`/api/v1/webhooks`), 403, "FORBIDDEN");

  expectStatus(await owner.delete(`/api/v1/teams/${team}/webhooks/${hook.id}`), 200);
  expectError(await owner.get(`/api/v1/teams/${team}/webhooks/${hook.id}/deliveries`), 404, "NOT_FOUND");
});

it("platform webhooks are for admins: list, test delivery, deliveries, delete", async () => {
  const r = await receiver();
  const hook = expectStatus(await admin.post("/api/v1/webhooks", { url: r.url, secret: SECRET, events: ["autoscale_blocked"] }), 201) as TWebhook;
  expect(hook.team).toBeNull();
  expect((expectStatus(await admin.get("/api/v1/webhooks"), 200) as TWebhook[]).map((w) => w.id)).toContain(hook.id);
  expectStatus(await admin.post(`/api/v1/webhooks/${hook.id}/test`), 202);
  await waitFor("the platform test delivery", async () => r.received.find((x) => x.json.event === "test"), 10_000, 100);
  expect((expectStatus(await admin.get(`/api/v1/webhooks/${hook.id}/deliveries`), 200) as TWebhookDelivery[])[0]).toMatchObject({ event: "test", attempt: 1 });
  expectStatus(await admin.delete(`/api/v1/webhooks/${hook.id}`), 200);
});

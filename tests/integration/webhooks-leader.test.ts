import { afterAll, beforeAll, expect, it } from "vitest";
import type { TWebhook, TWebhookDelivery } from "@/lib/protocol/alerts";
import { waitFor } from "../helpers/agent";
import { adminApi, expectStatus } from "../helpers/api";
import { startConsole, type TConsole } from "../helpers/console";
import { makeTeam } from "../helpers/fixtures";
import { leaderAndFollower } from "../helpers/replicas";
import { signatureValid, startReceiver } from "../helpers/webhook-receiver";

/**
 * A webhook retry outlives the replica that scheduled it: the leader's first attempt gets a 500,
 * the leader is killed outright before the retry is due, and the replica that leads next sends
 * it. The first retry waits about 6 s here (±25 %), enough to kill the leader in between.
 */
const SECRET = "leader-change-secret";
let a: TConsole;
let b: TConsole;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  const env = { BERTH_WEBHOOK_RETRY_BASE_SECONDS: "6" };
  a = await startConsole({ env: { BERTH_REPLICA_ID: "replica-a", ...env } });
  b = await startConsole({ env: { BERTH_REPLICA_ID: "replica-b", DATABASE_URL: a.databaseUrl, ...env } });
  receiver = await startReceiver([500]);
}, 240_000);

afterAll(async () => {
  await receiver?.close();
  await b?.stop();
  await a?.stop();
});

it("a retry scheduled by a leader that dies is sent by the next leader", async () => {
  const [leader, follower] = await leaderAndFollower(a, b);
  const admin = await adminApi(follower);
  const team = await makeTeam(admin);
  const hook = expectStatus(await admin.post(`/api/v1/teams/${team}/webhooks`, { url: receiver.url, secret: SECRET }), 201) as TWebhook;
  expectStatus(await admin.post(`/api/v1/teams/${team}/webhooks/${hook.id}/test`), 202);
  await waitFor("the first attempt", async () => receiver.received.length >= 1, 10_000, 50);
  expect(receiver.received[0].answered).toBe(500);
  const failed = await waitFor("the retry scheduled", async () => {
    const log = expectStatus(await admin.get(`/api/v1/teams/${team}/webhooks/${hook.id}/deliveries`), 200) as TWebhookDelivery[];
    return log.find((d) => d.attempt === 1 && d.status === "failed" && d.nextRetryAt);
  }, 5_000, 100);
  const killedAt = Date.now();
  expect(new Date(failed.nextRetryAt ?? 0).getTime()).toBeGreaterThan(killedAt);
  process.kill(leader.pid, "SIGKILL");

  await waitFor("the retry delivered by the new leader", async () => receiver.received.length >= 2, 30_000, 100);
  const retry = receiver.received[1];
  expect(retry.answered).toBe(200);
  expect(retry.headers["x-berth-attempt"]).toBe("2");
  expect(retry.headers["x-berth-delivery"]).toBe(receiver.received[0].headers["x-berth-delivery"]);
  expect(signatureValid(retry, SECRET)).toBe(true);
  const log = await waitFor("the log shows it", async () => {
    const d = expectStatus(await admin.get(`/api/v1/teams/${team}/webhooks/${hook.id}/deliveries`), 200) as TWebhookDelivery[];
    return d.some((x) => x.attempt === 2 && x.status === "delivered") ? d : null;
  }, 10_000, 200);
  expect(log.map((d) => [d.attempt, d.status, d.statusCode])).toEqual([
    [2, "delivered", 200],
    [1, "failed", 500],
  ]);
  // Sent once: nothing else arrives.
  await new Promise((r) => setTimeout(r, 2000));
  expect(receiver.received).toHaveLength(2);
}, 120_000);

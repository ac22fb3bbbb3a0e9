import { afterAll, beforeAll, expect, it } from "vitest";
import { waitFor } from "../helpers/agent";
import { startConsole, type TConsole } from "../helpers/console";
import { replicaHealth } from "../helpers/replicas";

/**
 * Two console replicas on one database: exactly one leads (runs the reconciler, sweeps, purges),
 * /api/health says which; when the leader is killed outright the other leads within 10 s.
 * Replica A runs the embedded Postgres; killing only A's Node process leaves Postgres up for B.
 */
let a: TConsole;
let b: TConsole;

const health = replicaHealth;

beforeAll(async () => {
  a = await startConsole({ env: { BERTH_REPLICA_ID: "replica-a" } });
  b = await startConsole({ env: { BERTH_REPLICA_ID: "replica-b", DATABASE_URL: a.databaseUrl } });
}, 240_000);

afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

it("one replica leads; killing it makes the other lead within 10 s", async () => {
  const both = await waitFor("exactly one leader", async () => {
    const [ha, hb] = await Promise.all([health(a), health(b)]);
    return Number(ha.leader) + Number(hb.leader) === 1 ? { ha, hb } : null;
  }, 20_000, 250);
  expect(both.ha.replica).toBe("replica-a");
  expect(both.hb.replica).toBe("replica-b");
  // It stays that way: the follower keeps polling without taking the lock.
  await new Promise((r) => setTimeout(r, 3000));
  const [ha, hb] = await Promise.all([health(a), health(b)]);
  expect(Number(ha.leader) + Number(hb.leader)).toBe(1);

  const [leader, follower] = ha.leader ? [a, b] : [b, a];
  const killedAt = Date.now();
  process.kill(leader.pid, "SIGKILL");
  await waitFor("the other replica leading", async () => (await health(follower)).leader, 15_000, 200);
  const tookMs = Date.now() - killedAt;
  expect(tookMs, `took over after ${tookMs} ms`).toBeLessThan(10_000);
}, 120_000);

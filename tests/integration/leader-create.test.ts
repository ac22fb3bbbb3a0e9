import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, Api, expectStatus } from "../helpers/api";
import type { TConsole } from "../helpers/console";
import { leaderAndFollower, replicaHealth, startReplicaPair } from "../helpers/replicas";
import { sql, withPg } from "../helpers/db";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { startRedis, type TRedis } from "../helpers/redis";
import { publishTestImages } from "../helpers/registry";

/**
 * The leader replica dies (SIGKILL) and an app is created through the other one before it has
 * taken over: the survivor leads within 10 s, and the set is placed and applied exactly once.
 *
 * Which replica may die: A owns the embedded Postgres and the registry (B shares A's data dir and
 * points BERTH_REGISTRY_URL at A's registry). Both are children of A's Node process in A's process
 * group; SIGKILL to that one pid leaves them running (Postgres keeps serving, the registry writes
 * to a file, not a pipe, so nothing breaks when its parent goes), and `a.stop()` takes the whole
 * group down afterwards. So whichever replica leads is the one killed, and the survivor still has
 * its database and registry; the test checks the registry still answers after the kill. The
 * agent already holds the test image, so nothing has to be pulled through the token realm, which
 * is A's URL.
 */
let redis: TRedis;
let a: TConsole;
let b: TConsole;
let engine: DockerEngine;
let agent: TestAgent;
let admin: Api;
let team: string;
let member: TTestUser;
let leader: TConsole;
let survivor: TConsole;

const health = replicaHealth;

beforeAll(async () => {
  redis = await startRedis();
  ({ a, b } = await startReplicaPair(redis.url));
  await publishTestImages(a);
  [leader, survivor] = await leaderAndFollower(a, b);
  // Everything the test does goes through the survivor, which must still answer after the kill.
  admin = new Api(survivor.url, (await adminApi(a)).auth);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, survivor.url, "leader-create-host");
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 2, sets: 2 } });
  member = await makeMember(admin, team, "MEMBER");
}, 300_000);

afterAll(async () => {
  if (agent && admin) await agent.destroy(engine, admin);
  // B runs on A's Postgres: B goes first. A killed earlier still has Postgres and the registry in
  // its process group, which stop() kills.
  await b?.stop();
  await a?.stop();
  await redis?.stop();
});

/**
 * Resolves just after the survivor's election polled for the lock (its connection's last query
 * start changed). It polls every 2 s: a kill right after a poll leaves about 2 s in which the
 * survivor does not lead yet, so the create below is certain to land in the switch.
 */
async function justAfterSurvivorPolled(): Promise<void> {
  const app = `berth-leader-${(await health(survivor)).replica}`;
  await withPg(a.databaseUrl, async (client) => {
    const last = async () => (await client.query<{ at: Date | null }>(`SELECT max(query_start) AS at FROM pg_stat_activity WHERE application_name = $1`, [app])).rows[0]?.at?.getTime() ?? null;
    const first = await last();
    if (first === null) throw new Error(`no election connection named ${app} in pg_stat_activity`);
    await waitFor("the survivor's next lock poll", async () => {
      const now = await last();
      return now !== null && now !== first;
    }, 10_000, 20);
  });
}

it("killing the leader makes the other lead within 10 s; a create issued during the switch is placed and applied once", async () => {
  expect((await health(survivor)).leader).toBe(false);
  await justAfterSurvivorPolled();

  const killedAt = Date.now();
  process.kill(leader.pid, "SIGKILL");
  const far = new Api(survivor.url, { token: member.token });
  const [created, duringSwitch] = await Promise.all([
    far.post(`/api/v1/teams/${team}/apps`, {
      name: "switch",
      replicas: 1,
      size: { cpu: 0.5, memoryMiB: 128, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sh", "-c", "exec sleep 100000"] }],
    }),
    health(survivor),
  ]);
  // Sent together with the create: nobody led while the create was being handled.
  expect(duringSwitch.leader, "the survivor already led when the create was sent").toBe(false);
  const app = expectStatus(created, 201) as TAppView;
  expect(app.sets).toHaveLength(1);

  await waitFor("the survivor leading", async () => (await health(survivor)).leader, 15_000, 200);
  const tookMs = Date.now() - killedAt;
  expect(tookMs, `took over after ${tookMs} ms`).toBeLessThan(10_000);
  // Postgres and the registry lived in the killed replica's process group only if it was A; either way they still serve.
  expect((await fetch(`http://${a.registry}/v2/`, { signal: AbortSignal.timeout(5000) })).status).toBe(401);

  const setId = app.sets[0].id;
  const running = await waitFor("the set Running", async () => {
    const s = expectStatus(await far.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000, 500);
  expect(running.host?.id).toBe(agent.hostId());

  // The new leader's reconciler runs every second: give it several passes in which a second
  // placement or apply would show.
  await new Promise((r) => setTimeout(r, 5000));
  const after = expectStatus(await far.get(`/api/v1/teams/${team}/apps/switch`), 200) as TAppView;
  expect(after.sets.map((s) => s.id)).toEqual([setId]);
  const sets = await sql<{ n: number }>(a.databaseUrl, `SELECT count(*)::int AS n FROM "Set" WHERE "appId" = $1 AND "deletedAt" IS NULL`, [app.id]);
  expect(sets[0].n).toBe(1);
  const applies = await sql<{ n: number }>(a.databaseUrl, `SELECT count(*)::int AS n FROM "Operation" WHERE "setId" = $1 AND kind = 'set.apply'`, [setId]);
  expect(applies[0].n).toBe(1);
  // One set's worth on the engine: its infra container and its one business container, running.
  const containers = await engine.listByLabels({ [LABEL.app]: app.id });
  expect(containers.map((c) => `${c.labels[LABEL.set]}/${c.labels[LABEL.role]}/${c.state}`).sort()).toEqual(
    [`${setId}/app/running`, `${setId}/infra/running`].sort(),
  );
}, 180_000);

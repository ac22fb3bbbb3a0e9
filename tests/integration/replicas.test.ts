import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { ZHealth } from "@/lib/protocol/api";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import type { TAck } from "@/lib/protocol/events";
import { ZMetricsHistory, type TSetMetrics } from "@/lib/protocol/metrics";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, Api, expectError, expectStatus, uniqueEmail, uniqueIp } from "../helpers/api";
import type { TConsole } from "../helpers/console";
import { leaderAndFollower, replicaHealth, startReplicaPair } from "../helpers/replicas";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { sql } from "../helpers/db";
import { startHaproxy } from "../helpers/haproxy";
import { startRedis, type TRedis } from "../helpers/redis";
import { publishTestImages } from "../helpers/registry";
import { TermClient } from "../helpers/terminal";

/**
 * Two console replicas on one Postgres and one real redis-server (BERTH_REDIS_URL). The agent
 * connects to the replica that does not lead; everything a user does goes through the other one,
 * so every agent call, stream and metrics sample crosses the Redis adapter — and the leader's host
 * sweep must see the agent held by its peer as connected.
 */
let redis: TRedis;
let a: TConsole;
let b: TConsole;
let engine: DockerEngine;
let agent: TestAgent;
let member: TTestUser;
/** The member's API on the replica without the agent. */
let far: Api;
let farConsole: TConsole;
let set: TSetView;
const sockets: Socket[] = [];

/** The member's /ui socket on `url`, connected (cookies kept, as a browser would, for a proxy's stickiness). */
async function memberSocket(url: string, transports = ["websocket"]): Promise<Socket> {
  const socket = io(`${url}/ui`, { transports, withCredentials: true, reconnection: false, forceNew: true, auth: { token: member.token } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

const health = replicaHealth;

beforeAll(async () => {
  redis = await startRedis();
  ({ a, b } = await startReplicaPair(redis.url));
  await publishTestImages(a);
  const [leader] = await leaderAndFollower(a, b);
  // The agent goes to the follower; users talk to the leader.
  const [near, farC] = leader === a ? [b, a] : [a, b];
  farConsole = farC;
  const adminNear = await adminApi(a);
  engine = await ensureTestImage();
  agent = await startReadyAgent(new Api(near.url, adminNear.auth), near.url, "replica-host");
  const team = await makeTeam(adminNear, { quota: { cpu: 4, memoryMiB: 2048, diskGiB: 4, sets: 4 } });
  member = await makeMember(adminNear, team, "MEMBER");
  far = new Api(farConsole.url, { token: member.token });
  const app = expectStatus(
    await far.post(`/api/v1/teams/${team}/apps`, {
      name: "across",
      replicas: 1,
      size: { cpu: 0.5, memoryMiB: 128, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sh", "-c", "echo hello-from-the-set; exec sleep 100000"] }],
    }),
    201,
  ) as TAppView;
  set = await waitFor("set Running through the far replica", async () => {
    const s = expectStatus(await far.get(`/api/v1/sets/${app.sets[0].id}`), 200) as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000, 500);
}, 300_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  if (agent && a) await agent.destroy(engine, await adminApi(a));
  await b?.stop();
  await a?.stop();
  await redis?.stop();
});

it("both replicas say they share Redis; the set was created and started through the replica without its agent", async () => {
  const [ha, hb] = await Promise.all([health(a), health(b)]);
  expect([ha.adapter, hb.adapter]).toEqual(["redis", "redis"]);
  expect(set.host?.id).toBe(agent.hostId());
});

it("the set was applied once; actions from the far replica reach the agent on the other one, and its set:state reaches the far replica's browsers", async () => {
  const applies = await sql<{ n: number }>(a.databaseUrl, `SELECT count(*)::int AS n FROM "Operation" WHERE "setId" = $1 AND kind = 'set.apply'`, [set.id]);
  expect(applies[0].n).toBe(1);

  const browser = await memberSocket(farConsole.url);
  const states: string[] = [];
  browser.on("set:state", (e: { setId: string; state: string }) => e.setId === set.id && states.push(e.state));
  // Joining the team's room happens right after the handshake: give it a moment.
  await new Promise((r) => setTimeout(r, 500));

  expectStatus(await far.post(`/api/v1/sets/${set.id}/stop`, {}), 200);
  await waitFor("set Stopped", async () => ((await far.get(`/api/v1/sets/${set.id}`)).body as TSetView).state === "Stopped", 30_000, 250);
  expectStatus(await far.post(`/api/v1/sets/${set.id}/start`, {}), 200);
  await waitFor("set Running again", async () => ((await far.get(`/api/v1/sets/${set.id}`)).body as TSetView).state === "Running", 30_000, 250);
  await waitFor("set:state Stopped then Running on the far replica's socket", async () => {
    const stopped = states.indexOf("Stopped");
    return stopped >= 0 && states.indexOf("Running", stopped) > stopped;
  }, 10_000, 100);
}, 90_000);

it("logs and a terminal opened on the far replica stream from the agent on the other one", async () => {
  const logs = await waitFor("the set's log through the far replica", async () => {
    const res = await far.get(`/api/v1/sets/${set.id}/containers/app/logs?tail=100`);
    return res.status === 200 && res.text.includes("hello-from-the-set") ? res.text : null;
  }, 30_000, 500);
  expect(logs).toContain("stdout hello-from-the-set");

  const term = await TermClient.connect(farConsole.url, member.token);
  sockets.push(term.socket);
  const sessionId = await term.openOk(set.id, "app");
  term.send(sessionId, "echo across-$((6*7))\n");
  await term.expectOutput(sessionId, /across-42/);
  // Enough output to need the agent's flow-control credit back through the relay several times.
  term.send(sessionId, "i=0; while [ $i -lt 3000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; echo all-$((1+1))-done\n");
  await term.expectOutput(sessionId, /all-2-done/, 0, 30_000);
  expect(term.output(sessionId)).toContain("line-2999-");
  term.send(sessionId, "exit 3\n");
  const exit = await term.exitOf(sessionId);
  expect(exit.code).toBe(3);
}, 90_000);

/** A /ui socket of the member on console `c`, collecting the set's metrics samples once subscribed. */
async function metricsViewer(c: TConsole): Promise<{ socket: Socket; samples: TSetMetrics[]; subscribe(): Promise<void>; unsubscribe(): Promise<void> }> {
  const socket = await memberSocket(c.url);
  const samples: TSetMetrics[] = [];
  socket.on("metrics:sample", (s: TSetMetrics) => s.setId === set.id && samples.push(s));
  const command = async (event: string) => {
    const ack = (await socket.timeout(10_000).emitWithAck(event, { setId: set.id })) as TAck<null>;
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
  };
  return { socket, samples, subscribe: () => command("metrics:subscribe"), unsubscribe: () => command("metrics:unsubscribe") };
}

it("metrics watched from both replicas flow to each; one replica's viewer leaving does not stop the other's", async () => {
  const nearConsole = farConsole === a ? b : a;
  const farViewer = await metricsViewer(farConsole);
  const nearViewer = await metricsViewer(nearConsole);
  await farViewer.subscribe();
  // Watched sets are sampled about every second, sweeps only every 15 s: several samples in a few
  // seconds can only come from the watch the far replica asked the agent for.
  await waitFor("three samples on the far replica", async () => farViewer.samples.length >= 3, 20_000, 200);
  expect(farViewer.samples[0].containers.map((c) => c.name)).toContain("app");
  // The 1-second window lives on the replica that receives the agent's batches; the far one asks it.
  const history = ZMetricsHistory.parse(expectStatus(await far.get(`/api/v1/sets/${set.id}/metrics?range=15m`), 200));
  // "memory" on the far replica, which receives no batches, can only be the near replica's window.
  expect(history.source).toBe("memory");
  expect(history.containers.find((c) => c.name === "app")?.points.length ?? 0).toBeGreaterThanOrEqual(1);
  await nearViewer.subscribe();
  await waitFor("samples on the near replica too", async () => nearViewer.samples.length >= 2, 20_000, 200);

  // The far replica's last viewer leaves: the agent still samples for the near one each second.
  await farViewer.unsubscribe();
  const before = nearViewer.samples.length;
  await new Promise((r) => setTimeout(r, 6000));
  expect(nearViewer.samples.length - before, "samples in 6 s after the other replica's viewer left").toBeGreaterThanOrEqual(3);
}, 60_000);

it("the leader does not mark the host its peer holds Unreachable", async () => {
  // Three grace periods (3 s each in tests) of sweeps by the leader, which does not hold the agent.
  await new Promise((r) => setTimeout(r, 10_000));
  const admin = new Api(farConsole.url, (await adminApi(a)).auth);
  const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as Array<{ id: string; status: string }>;
  expect(hosts.find((h) => h.id === agent.hostId())?.status).toBe("Ready");
}, 30_000);

it("behind haproxy (the README's config) requests spread over both replicas and a long-polling client stays on its own", async () => {
  const proxy = await startHaproxy([
    { name: "a", address: `127.0.0.1:${a.port}` },
    { name: "b", address: `127.0.0.1:${b.port}` },
  ]);
  try {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${proxy.url}/api/health`, { signal: AbortSignal.timeout(5000) });
      seen.add(ZHealth.parse(await res.json()).replica);
    }
    expect([...seen].sort()).toEqual(["replica-a", "replica-b"]);

    // Long polling is several HTTP requests per session: without the cookie half would reach the
    // replica that does not know the session and the client would drop.
    for (const transports of [["polling"], ["polling", "websocket"]]) {
      const socket = await memberSocket(proxy.url, transports);
      for (let i = 0; i < 6; i++) {
        const ack = (await socket.timeout(5000).emitWithAck("whoami")) as TAck<{ email: string }>;
        expect(ack.ok && ack.data.email).toBe(member.email);
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(socket.connected, `transports ${transports.join("+")}`).toBe(true);
      socket.disconnect();
    }
  } finally {
    await proxy.stop();
  }
}, 60_000);

it("login failures count on every replica: one IP's 20 misses spread over both are refused on both", async () => {
  const ip = uniqueIp();
  const attempt = (c: TConsole, i: number) => new Api(c.url, { ip }).post("/api/v1/auth/token", { email: uniqueEmail("nobody"), password: `wrong-${i}`, name: "limiter" });
  // BERTH_LOGIN_MAX_FAILURES (20) per IP in the window, half on each replica.
  for (let i = 0; i < 20; i++) expectError(await attempt(i % 2 ? a : b, i), 401, "UNAUTHENTICATED");
  expectError(await attempt(a, 20), 429, "RATE_LIMITED");
  expectError(await attempt(b, 21), 429, "RATE_LIMITED");
}, 60_000);

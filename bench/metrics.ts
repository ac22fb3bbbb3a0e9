/**
 * bench/metrics: what one metrics reading per container costs the agent (cgroup files through
 * kept-open descriptors, agent/metrics) against one Docker stats call per container
 * (`stream=false&one-shot=true`, what Portainer-style consoles poll; 8 in flight), on the same running
 * containers in the same run, at 50 and then 200 containers; then the agent's CPU over 60 s of
 * 1 s ticks with all 200 watched, through the real MetricsService and a real Socket.IO connection
 * to a stand-in console in another process. Last line: one JSON object.
 *
 * Containers carry the label berth.bench=metrics and are removed at the end, on failure, on
 * Ctrl-C, and at the start of the next run if a previous one was killed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { io } from "socket.io-client";
import { DockerEngine } from "../agent/docker/engine";
import { ensureBusyboxImage } from "../agent/docker/infra-image";
import { MetricsCollector } from "../agent/metrics/collector";
import { hostCgroupLayout, MetricsService } from "../agent/metrics/service";
import { removeSetCgroup } from "../agent/sets/cgroup";
import { LABEL } from "../lib/protocol/agent";
import type { TAgentClientToServer, TAgentServerToClient } from "../lib/protocol/events";

const IMAGE_REPO = "berth/bench";
const IMAGE = `${IMAGE_REPO}:1`;
const BENCH = { key: "berth.bench", value: "metrics" };
const APPS_PER_SET = 5;
const STAGES = [50, 200];
const CPU_SECONDS = Number(process.env.BENCH_CPU_SECONDS ?? 60);
const OURS_ROUNDS = 15;
const PEER_CONCURRENCY = 8;
const hostId = `benchhost${randomBytes(6).toString("hex")}`;
const engine = new DockerEngine();
const layout = hostCgroupLayout();
const setIds: string[] = [];
const appIds: string[] = [];

const log = (m: string) => console.log(`[bench:metrics] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

/** Removes every container this bench (or a killed earlier run) left, then their set cgroups. */
async function cleanup(): Promise<void> {
  const left = await engine.listByLabels({ [BENCH.key]: BENCH.value });
  // Business containers first: they share the infra container's namespaces.
  const ordered = [...left.filter((c) => c.labels[LABEL.role] !== "infra"), ...left.filter((c) => c.labels[LABEL.role] === "infra")];
  await pool(ordered, 8, (c) => engine.remove(c.id));
  for (const setId of new Set(left.map((c) => c.labels[LABEL.set]).filter(Boolean))) removeSetCgroup(setId);
  if (left.length) log(`removed ${left.length} bench containers`);
}

async function addSet(): Promise<void> {
  const setId = `bench${randomBytes(8).toString("hex")}`;
  const labels = (role: string, index: number, name: string) => ({
    [BENCH.key]: BENCH.value, [LABEL.host]: hostId, [LABEL.set]: setId, [LABEL.team]: "benchteam",
    [LABEL.role]: role, [LABEL.index]: String(index), [LABEL.name]: name,
  });
  const infra = await engine.docker.createContainer({
    name: `berth-${setId}-infra`, Image: IMAGE, Labels: labels("infra", -1, "infra"),
    Cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"],
    HostConfig: { CgroupParent: `/berth/${setId}`, Memory: 16 << 20 },
  });
  await infra.start();
  setIds.push(setId);
  await Promise.all(Array.from({ length: APPS_PER_SET }, async (_, i) => {
    const c = await engine.docker.createContainer({
      name: `berth-${setId}-${i}-app${i}`, Image: IMAGE, Labels: labels("app", i, `app${i}`), Cmd: ["sleep", "1000000"],
      HostConfig: { CgroupParent: `/berth/${setId}`, Memory: 32 << 20, NanoCpus: 100_000_000, NetworkMode: `container:${infra.id}` },
    });
    await c.start();
    appIds.push(c.id);
  }));
}

async function growTo(apps: number): Promise<void> {
  const t0 = Date.now();
  const sets = Math.ceil((apps - appIds.length) / APPS_PER_SET);
  await pool(Array.from({ length: sets }, (_, i) => i), 6, () => addSet());
  log(`${appIds.length} business containers in ${setIds.length} sets running (+${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

interface TStage {
  containers: number;
  ours_us_per_container: number;
  ours_tick_us_per_container: number;
  ours_first_sweep_us_per_container: number;
  ours_cpu_us_per_container: number;
  peer_us_per_container: number;
  peer_call_latency_us: number;
  ratio: number;
}

/** One full sweep (every file, memory.stat included) and the batch's JSON, in microseconds. */
function oursSweep(collector: MetricsCollector, detail: boolean): number {
  const t0 = process.hrtime.bigint();
  const sets = collector.sample(setIds, Date.now(), detail);
  JSON.stringify({ at: Date.now(), kind: "sweep", sets });
  return Number(process.hrtime.bigint() - t0) / 1000;
}

async function compare(): Promise<TStage> {
  const collector = new MetricsCollector(layout);
  collector.sync(await engine.listByLabels({ [LABEL.host]: hostId }));
  const n = collector.containerCount();
  if (n !== appIds.length) throw new Error(`collector tracks ${n} containers, expected ${appIds.length}`);
  const first = oursSweep(collector, true); // opens every descriptor
  const ours: number[] = [];
  const tick: number[] = [];
  for (let i = 0; i < OURS_ROUNDS; i++) ours.push(oursSweep(collector, true));
  // The peer: one stats call per container, PEER_CONCURRENCY in flight as a poller would keep
  // them. Its cost per container is the sweep's wall time ÷ containers: overlapping the calls
  // makes it lower than one call's latency, so the ratio errs in the peer's favour.
  const peer: number[] = [];
  const p0 = process.hrtime.bigint();
  await pool([...appIds], PEER_CONCURRENCY, async (id) => {
    const t0 = process.hrtime.bigint();
    await engine.docker.getContainer(id).stats({ stream: false, "one-shot": true });
    peer.push(Number(process.hrtime.bigint() - t0) / 1000);
  });
  const peerWall = Number(process.hrtime.bigint() - p0) / 1000;
  let cpuUs = 0;
  for (let i = 0; i < OURS_ROUNDS; i++) {
    const c0 = process.cpuUsage();
    ours.push(oursSweep(collector, true));
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
    tick.push(oursSweep(collector, false));
    await sleep(20);
  }
  collector.close();
  const oursPer = median(ours) / n;
  const peerPer = peerWall / peer.length;
  const stage = {
    containers: n,
    ours_us_per_container: round(oursPer, 2),
    ours_tick_us_per_container: round(median(tick) / n, 2),
    ours_first_sweep_us_per_container: round(first / n, 2),
    ours_cpu_us_per_container: round(cpuUs / OURS_ROUNDS / n, 2),
    peer_us_per_container: round(peerPer, 0),
    peer_call_latency_us: round(peer.reduce((a, b) => a + b, 0) / peer.length, 0),
    ratio: round(peerPer / oursPer, 1),
  };
  log(JSON.stringify(stage));
  return stage;
}

function startConsole(): Promise<{ child: ChildProcess; port: number; counts: () => Promise<Record<string, number>> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/metrics-console.ts"], {
    env: { ...process.env, BENCH_SET_IDS: setIds.join(",") },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // Its last stdout line, printed on SIGTERM, is the JSON of what it received.
  const counts = async () => {
    child.kill("SIGTERM");
    await exited;
    return JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, number>;
  };
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const m = out.match(/port (\d+)/);
      if (m) {
        clearInterval(poll);
        resolve({ child, port: Number(m[1]), counts });
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`bench console exited (${child.exitCode})`));
      }
    }, 50);
  });
}

/** CPU of 1 s ticks with every set watched, through the real service and a real socket. */
async function agentCpu(): Promise<{ agent_cpu_percent: number; process_cpu_percent: number; batches: number }> {
  const console_ = await startConsole();
  const service = new MetricsService(engine, hostId, {
    BERTH_METRICS_WATCH_MS: 1000,
    BERTH_METRICS_SWEEP_SECONDS: 15,
    BERTH_METRICS_INVENTORY_SECONDS: 30,
    BERTH_AGENT_METRICS_PORT: undefined,
  }, layout);
  const socket = io(`http://127.0.0.1:${console_.port}/agent`, { path: "/socket.io", transports: ["websocket"] }) as import("socket.io-client").Socket<TAgentServerToClient, TAgentClientToServer>;
  try {
    service.attach(socket);
    await service.start();
    const deadline = Date.now() + 20_000;
    while (service.watchedSetIds().length < setIds.length) {
      if (Date.now() > deadline) throw new Error("the stand-in console's watch did not arrive");
      await sleep(100);
    }
    await sleep(3000); // descriptors opened, JIT warm
    // process.cpuUsage around each tick: the collector loop, batch building and the emit.
    let inTicks = 0;
    const original = service.tick.bind(service);
    service.tick = (now?: number) => {
      const before = process.cpuUsage();
      const r = original(now);
      const d = process.cpuUsage(before);
      inTicks += d.user + d.system;
      return r;
    };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(CPU_SECONDS * 1000);
    const all = process.cpuUsage(cpu0);
    const wallUs = (performance.now() - t0) * 1000;
    service.close();
    socket.close();
    const counts = await console_.counts();
    log(`console received ${JSON.stringify(counts)}`);
    return {
      agent_cpu_percent: round((inTicks / wallUs) * 100, 2),
      process_cpu_percent: round(((all.user + all.system) / wallUs) * 100, 2),
      batches: counts.batches ?? 0,
    };
  } finally {
    service.close();
    socket.close();
    if (console_.child.exitCode === null) console_.child.kill("SIGKILL");
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  await ensureBusyboxImage(engine, IMAGE_REPO, "1");
  await cleanup();
  const stop = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  log(`cgroup v${layout.version}; ${APPS_PER_SET} business containers + 1 infra per set`);
  const stages: TStage[] = [];
  let cpu: Awaited<ReturnType<typeof agentCpu>>;
  try {
    for (const n of STAGES) {
      await growTo(n);
      stages.push(await compare());
    }
    cpu = await agentCpu();
  } finally {
    await cleanup();
  }
  const last = stages[stages.length - 1];
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; 50: ${JSON.stringify(stages[0])}`);
  console.log(JSON.stringify({
    bench: "metrics",
    containers: last.containers,
    ours_us_per_container: last.ours_us_per_container,
    peer_us_per_container: last.peer_us_per_container,
    ratio: last.ratio,
    agent_cpu_percent: cpu.agent_cpu_percent,
    process_cpu_percent: cpu.process_cpu_percent,
    ours_tick_us_per_container: last.ours_tick_us_per_container,
    ratio_50: stages[0].ratio,
  }));
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

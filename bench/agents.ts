/**
 * bench/agents: one console loaded with BENCH_AGENTS simulated agents (bench/sim-agent.ts: the
 * real /agent protocol, no Docker) of BENCH_SETS_PER_AGENT sets each, sending heartbeats every
 * 5 s, a metrics sweep every 15 s and a disk scan every 5 min as the real agent does. Once every
 * inventory is reconciled, BENCH_ACTIONS set stops and starts go through the HTTP API, spread
 * evenly over BENCH_SECONDS and over the agents (each a real transition of its set). Over that
 * window: the console's CPU and peak RSS (its node process and children, Postgres apart), action
 * latency p50/p99 and heartbeat round trip p99. Peer: the same with BENCH_PEER_AGENTS agents at
 * the same action rate, on a fresh console, run first. The goal: ≤ 50 % of one core,
 * ≤ 600 MB, action p99 ≤ 2× the peer's. Progress goes to stderr; the last line on stdout is one
 * JSON object.
 */
import fs from "node:fs";
import path from "node:path";
import { consoleMode, startConsole, type TConsole, type TConsoleMode } from "../tests/helpers/console";
import { createToken } from "../tests/helpers/api";
import { operationPath } from "../tests/helpers/api-client";
import { ZSetView } from "../lib/protocol/apps";
import { waitForDevLock } from "./dev-lock";
import { fleetLayout, seedFleet, type TFleetLayout } from "./agents-seed";
import { ProcessTreeSampler, type TTreeUsage } from "./proc-usage";
import { newFleetStats, SimAgent, type TFleetStats, type TSimOptions } from "./sim-agent";

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, not ${raw}`);
  return n;
}

const AGENTS = intEnv("BENCH_AGENTS", 1000, 1);
const PEER_AGENTS = intEnv("BENCH_PEER_AGENTS", 10, 1);
const SETS_PER_AGENT = intEnv("BENCH_SETS_PER_AGENT", 20, 1);
const SECONDS = intEnv("BENCH_SECONDS", 120, 1);
const ACTIONS = intEnv("BENCH_ACTIONS", 2000, 1);
/** Requests in flight at most; past it an action waits (and is counted late if it waits > 1 s). */
const CONCURRENCY = intEnv("BENCH_ACTION_CONCURRENCY", 64, 1);
const CONNECT_BATCH = intEnv("BENCH_CONNECT_BATCH", 50, 1);
const CONNECT_PAUSE_MS = intEnv("BENCH_CONNECT_PAUSE_MS", 1000, 0);
/** After the reconcile of every inventory: lets the connect burst's writes and rollups drain. */
const SETTLE_SECONDS = intEnv("BENCH_SETTLE_SECONDS", 20, 0);
const RECONCILE_TIMEOUT_S = intEnv("BENCH_RECONCILE_TIMEOUT_S", 900, 1);
const SIM: TSimOptions = {
  heartbeatMs: intEnv("BENCH_HEARTBEAT_MS", 5000, 100),
  sweepMs: intEnv("BENCH_SWEEP_MS", 15_000, 1000),
  diskScanMs: intEnv("BENCH_DISK_SCAN_MS", 300_000, 1000),
  actionDelayMs: intEnv("BENCH_AGENT_ACTION_MS", 0, 0),
};
/** Longer than the console's own wait for an agent's answer (120 s). */
const ACTION_TIMEOUT_MS = 150_000;
const WARMUP_SETS = 10;
/** Steady state, not failover: a host is Unreachable after 30 s of silence, its sets never move. */
const CONSOLE_ENV = { BERTH_LOCAL_AGENT: "0", BERTH_HOST_GRACE_SECONDS: "30", BERTH_RECONCILE_SECONDS: "10", BERTH_RESCHEDULE_SECONDS: "86400" };

const log = (m: string) => process.stderr.write(`[bench:agents] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (x: number) => Math.round(x * 10) / 10;

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return round1(sorted[Math.max(0, i)]);
}

/** Each agent holds a socket here and in the console: the default 1,024 descriptors are not enough. */
function checkOpenFileLimit(agents: number): void {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync("/proc/self/limits", "utf8"));
  const soft = !m || m[1] === "unlimited" ? Infinity : Number(m[1]);
  const need = agents + 512;
  if (soft < need) throw new Error(`${agents} agents need about ${need} open files in this process and the console; the limit is ${soft} (raise it with \`ulimit -n ${need * 2}\`)`);
}

/** Live resources of the run under way, for cleanup on a signal. */
const live = { fleet: [] as SimAgent[], con: null as TConsole | null };

async function closeLive(): Promise<void> {
  for (const a of live.fleet.splice(0)) a.close();
  const con = live.con;
  live.con = null;
  await con?.stop();
}

async function startBenchConsole(): Promise<TConsole> {
  const mode: TConsoleMode = consoleMode();
  for (let attempt = 1; ; attempt++) {
    if (mode === "dev") await waitForDevLock(log);
    try {
      return await startConsole({ mode, env: CONSOLE_ENV });
    } catch (err) {
      // Another test's `next dev` can take the lock between our check and our console's start.
      if (mode !== "dev" || attempt >= 5 || !/Another next dev server|holds .*lock/.test((err as Error).message)) throw err;
      log(`another next dev took ${path.join(".next", "dev", "lock")} first; trying again`);
    }
  }
}

const ZActionAnswer = ZSetView.pick({ state: true });

type TOutcome = { ok: true; ms: number; rightState: boolean } | { ok: false; error: string };

/** Stops and starts sets through the API, each the opposite of what the set last did. */
class SetActions {
  private readonly stopped = new Set<string>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  isBusy(setId: string): boolean {
    return this.busy.has(setId);
  }

  async act(setId: string): Promise<TOutcome> {
    const action = this.stopped.has(setId) ? "start" : "stop";
    this.busy.add(setId);
    const t0 = performance.now();
    try {
      const res = await fetch(new URL(operationPath(action === "stop" ? "stopSet" : "startSet", { id: setId }), this.url), {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}`, accept: "application/json" },
        signal: AbortSignal.timeout(ACTION_TIMEOUT_MS),
      });
      const text = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) return { ok: false, error: `${action} ${setId}: HTTP ${res.status} ${text.slice(0, 300)}` };
      if (action === "stop") this.stopped.add(setId);
      else this.stopped.delete(setId);
      const answer = ZActionAnswer.safeParse(JSON.parse(text));
      return { ok: true, ms, rightState: answer.success && answer.data.state === (action === "stop" ? "Stopped" : "Running") };
    } catch (err) {
      return { ok: false, error: `${action} ${setId}: ${(err as Error).message}` };
    } finally {
      this.busy.delete(setId);
    }
  }
}

interface TActionStats {
  latencies: number[];
  errors: number;
  wrongState: number;
  late: number;
  skipped: number;
  firstErrors: string[];
}

/**
 * Action k is due at k × window / count, on host k mod N, on the host's next set not already
 * being acted on: every host gets its share, and each set alternates stop and start.
 */
async function driveActions(actions: SetActions, layout: TFleetLayout, count: number, windowMs: number): Promise<TActionStats> {
  const stats: TActionStats = { latencies: [], errors: 0, wrongState: 0, late: 0, skipped: 0, firstErrors: [] };
  const inflight = new Set<Promise<void>>();
  const hosts = layout.hosts;
  const t0 = performance.now();
  for (let k = 0; k < count; k++) {
    const due = t0 + (k * windowMs) / count;
    if (due > performance.now()) await sleep(due - performance.now());
    while (inflight.size >= CONCURRENCY) await Promise.race(inflight);
    if (performance.now() - due > 1000) stats.late++;
    const host = hosts[k % hosts.length];
    const turn = Math.floor(k / hosts.length);
    const set = Array.from({ length: host.sets.length }, (_, j) => host.sets[(turn + j) % host.sets.length]).find((s) => !actions.isBusy(s.setId));
    if (!set) {
      stats.skipped++;
      continue;
    }
    const p = actions.act(set.setId).then((o) => {
      if (o.ok) {
        stats.latencies.push(o.ms);
        if (!o.rightState) stats.wrongState++;
      } else {
        stats.errors++;
        if (stats.firstErrors.length < 5) stats.firstErrors.push(o.error);
      }
    });
    inflight.add(p);
    void p.then(() => inflight.delete(p));
  }
  await Promise.all(inflight);
  return stats;
}

/** Next dev compiles each route on its first request, and every console warms its caches: not measured. */
async function warmUp(actions: SetActions, layout: TFleetLayout): Promise<void> {
  const must = async (setId: string) => {
    const o = await actions.act(setId);
    if (!o.ok) throw new Error(`warm-up action failed: ${o.error}`);
  };
  const first = layout.hosts[0].sets[0].setId;
  await must(first);
  await must(first);
  const more = layout.hosts.slice(0, WARMUP_SETS).map((h) => h.sets[h.sets.length - 1].setId).filter((id) => id !== first);
  await Promise.all(more.map(async (id) => {
    await must(id);
    await must(id);
  }));
}

/** Inventories the console reconciled so far (its Prometheus counter; admin token). */
async function inventoriesReconciled(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /api/metrics: ${res.status}`);
  const m = /^berth_console_agent_inventories_reconciled_total\{outcome="ok"\} (\d+)/m.exec(await res.text());
  return m ? Number(m[1]) : 0;
}

/**
 * Until every agent's inventory went through the console's reconcile (an unchanged set writes
 * nothing, so the books alone cannot tell).
 */
async function waitReconciled(url: string, token: string, agents: number): Promise<number | null> {
  const t0 = Date.now();
  let lastLog = t0;
  for (;;) {
    const n = await inventoriesReconciled(url, token);
    if (n >= agents) return (Date.now() - t0) / 1000;
    if (Date.now() - t0 > RECONCILE_TIMEOUT_S * 1000) {
      log(`only ${n} of ${agents} inventories reconciled after ${RECONCILE_TIMEOUT_S} s; measuring anyway`);
      return null;
    }
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      log(`${n} of ${agents} inventories reconciled`);
    }
    await sleep(1000);
  }
}

interface TRunResult {
  agents: number;
  sets: number;
  mode: TConsoleMode;
  connectS: number;
  reconcileS: number | null;
  usage: TTreeUsage;
  actions: TActionStats;
  fleet: TFleetStats;
  simCpuPercent: number;
}

async function runOnce(label: string, agents: number): Promise<TRunResult> {
  const layout = fleetLayout(agents, SETS_PER_AGENT);
  const total = agents * SETS_PER_AGENT;
  const started = Date.now();
  const con = await startBenchConsole();
  live.con = con;
  try {
    log(`${label}: console ${con.url} (${con.mode}, pid ${con.pid}) up in ${round1((Date.now() - started) / 1000)} s`);
    const seedT0 = Date.now();
    await seedFleet(con.databaseUrl, layout);
    log(`${label}: seeded ${agents} hosts and ${total} sets in ${round1((Date.now() - seedT0) / 1000)} s`);
    const token = (await createToken(con.url, con.adminEmail, con.adminPassword, { name: "bench-agents" })).token;
    const actions = new SetActions(con.url, token);

    const stats = newFleetStats();
    const connectT0 = Date.now();
    for (let i = 0; i < layout.hosts.length; i += CONNECT_BATCH) {
      const batch = layout.hosts.slice(i, i + CONNECT_BATCH).map((h) => new SimAgent(con.url, h, stats, SIM));
      live.fleet.push(...batch);
      await Promise.all(batch.map((a) => a.connect()));
      if (i + CONNECT_BATCH < layout.hosts.length) await sleep(CONNECT_PAUSE_MS);
    }
    const connectS = (Date.now() - connectT0) / 1000;
    log(`${label}: ${agents} agents connected, inventories acknowledged, in ${round1(connectS)} s`);
    const reconcileS = await waitReconciled(con.url, token, agents);
    if (reconcileS !== null) log(`${label}: all ${agents} inventories (${total} sets) reconciled ${round1(reconcileS)} s after the last connect`);
    await warmUp(actions, layout);
    log(`${label}: warmed up; settling ${SETTLE_SECONDS} s`);
    await sleep(SETTLE_SECONDS * 1000);

    log(`${label}: ${ACTIONS} actions over ${SECONDS} s`);
    const sampler = new ProcessTreeSampler(con.pid);
    const simCpu0 = process.cpuUsage();
    const wall0 = performance.now();
    sampler.start();
    stats.recording = true;
    const driving = driveActions(actions, layout, ACTIONS, SECONDS * 1000);
    await sleep(SECONDS * 1000);
    const usage = sampler.stop();
    stats.recording = false;
    const simCpu = process.cpuUsage(simCpu0);
    const simCpuPercent = round1(((simCpu.user + simCpu.system) / 1000 / (performance.now() - wall0)) * 100);
    const actionStats = await driving;
    log(
      `${label}: console ${usage.consoleCpuPercent} % CPU, ${usage.consoleRssMaxMb} MB RSS; actions p50 ${percentile(actionStats.latencies, 50)} ms, ` +
        `p99 ${percentile(actionStats.latencies, 99)} ms, ${actionStats.errors} failed; heartbeat p99 ${percentile(stats.heartbeatLagMs, 99)} ms; bench process ${simCpuPercent} % CPU`,
    );
    for (const e of actionStats.firstErrors) log(`${label}: ${e}`);
    if (actionStats.errors || stats.disconnects || stats.heartbeatErrors) log(`${label}: console log tail:\n${con.logs().split("\n").slice(-40).join("\n")}`);
    return { agents, sets: total, mode: con.mode, connectS, reconcileS, usage, actions: actionStats, fleet: stats, simCpuPercent };
  } catch (err) {
    log(`${label}: failed; console log tail:\n${con.logs().split("\n").slice(-40).join("\n")}`);
    throw err;
  } finally {
    await closeLive();
  }
}

function summary(r: TRunResult) {
  return {
    console_cpu_percent: r.usage.consoleCpuPercent,
    console_rss_mb: r.usage.consoleRssMaxMb,
    action_p50_ms: percentile(r.actions.latencies, 50),
    action_p99_ms: percentile(r.actions.latencies, 99),
    heartbeat_lag_p50_ms: percentile(r.fleet.heartbeatLagMs, 50),
    heartbeat_lag_p99_ms: percentile(r.fleet.heartbeatLagMs, 99),
    errors: r.actions.errors,
  };
}

function details(r: TRunResult) {
  return {
    console_node_cpu_percent: r.usage.nodeCpuPercent,
    console_node_rss_mb: r.usage.nodeRssMaxMb,
    postgres_cpu_percent: r.usage.postgresCpuPercent,
    actions_ok: r.actions.latencies.length,
    actions_wrong_state: r.actions.wrongState,
    actions_late: r.actions.late,
    actions_skipped: r.actions.skipped,
    heartbeats_measured: r.fleet.heartbeatLagMs.length,
    heartbeat_errors: r.fleet.heartbeatErrors,
    agent_disconnects: r.fleet.disconnects,
    agent_connect_errors: r.fleet.connectErrors,
    inventory_errors: r.fleet.inventoryErrors,
    commands: r.fleet.commands,
    sweeps_total: r.fleet.sweeps,
    container_events_total: r.fleet.containerEvents,
    connect_s: round1(r.connectS),
    reconcile_s: r.reconcileS === null ? null : round1(r.reconcileS),
    bench_process_cpu_percent: r.simCpuPercent,
  };
}

async function main(): Promise<void> {
  checkOpenFileLimit(Math.max(AGENTS, PEER_AGENTS));
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: cleaning up`);
    closeLive().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  log(`${AGENTS} agents (peer ${PEER_AGENTS}) × ${SETS_PER_AGENT} sets; ${ACTIONS} actions over ${SECONDS} s each run; peer first`);

  const peer = await runOnce("peer", PEER_AGENTS);
  const main = await runOnce("main", AGENTS);
  const m = summary(main);
  const p = summary(peer);
  const ratio = m.action_p99_ms !== null && p.action_p99_ms ? Math.round((m.action_p99_ms / p.action_p99_ms) * 100) / 100 : null;
  console.log(
    JSON.stringify({
      bench: "agents",
      agents: AGENTS,
      sets_per_agent: SETS_PER_AGENT,
      sets: main.sets,
      seconds: SECONDS,
      actions: ACTIONS,
      console_mode: main.mode,
      console_cpu_scope: `node server.ts and its children except Postgres (${["node", ...main.usage.consoleProcesses].join(", ")}); RSS: peak of their sum, sampled every second`,
      ...m,
      ...details(main),
      peer_agents: PEER_AGENTS,
      peer_action_p50_ms: p.action_p50_ms,
      peer_action_p99_ms: p.action_p99_ms,
      peer_heartbeat_lag_p99_ms: p.heartbeat_lag_p99_ms,
      peer_console_cpu_percent: p.console_cpu_percent,
      peer_console_rss_mb: p.console_rss_mb,
      peer_errors: p.errors,
      p99_ratio: ratio,
      goal_cpu_ok: m.console_cpu_percent <= 50,
      goal_rss_ok: m.console_rss_mb <= 600,
      goal_p99_ok: ratio !== null && ratio <= 2,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    closeLive().finally(() => process.exit(1));
  },
);

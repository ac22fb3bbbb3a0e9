/**
 * bench/agent-footprint: the bundled agent (agent/dist/berth-agent.cjs, plain node, run from a
 * temporary directory) against today's source agent (`node --import tsx agent/main.ts`), side by
 * side in one run against one stand-in console (the /agent namespace): time from process start to
 * its socket connecting, and RSS after 10 s idle; then the bundle's RSS holding 50 sets.
 * Last line: one JSON object.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Server, type Socket } from "socket.io";
import { DockerEngine } from "../agent/docker/engine";
import { ensureBusyboxImage } from "../agent/docker/infra-image";
import { LABEL, type TSetSpec } from "../lib/protocol/agent";
import type { TAck } from "../lib/protocol/events";

const ROOT = path.resolve(import.meta.dirname, "..");
const IMAGE = "berth/bench:1";
const SETS = Number(process.env.BENCH_SETS ?? 50);
const IDLE_MS = 10_000;
const id = () => randomBytes(8).toString("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build-agent.mjs")], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("build:agent failed");
  const engine = new DockerEngine();
  await ensureBusyboxImage(engine, "berth/bench", "1");

  const http = createServer();
  const io = new Server(http, { path: "/socket.io" });
  const sockets = new Map<string, Socket>();
  const connectedAt = new Map<string, number>();
  io.of("/agent").on("connection", (socket) => {
    const hostId = String((socket.handshake.auth as { credential?: string }).credential ?? "").split(":")[0];
    connectedAt.set(hostId, performance.now());
    sockets.set(hostId, socket);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  /** One agent with its own identity (no enrollment), started now; resolves with its start-to-connected time. */
  async function launch(kind: "bundle" | "source"): Promise<{ hostId: string; child: ChildProcess; startMs: number }> {
    const hostId = `footprint${kind}${id()}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-footprint-${kind}-`));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "identity.json"), JSON.stringify({ hostId, credential: `${hostId}:bench-credential`, consoleUrl: url }), { mode: 0o600 });
    const env = {
      ...process.env,
      BERTH_AGENT_STATE_DIR: dir,
      BERTH_CONSOLE_URL: url,
      BERTH_VOLUME_ROOT: path.join(dir, "volumes"),
      BERTH_INFRA_IMAGE: IMAGE,
      BERTH_HOST_NAME: kind,
    };
    let args: string[];
    let cwd: string;
    if (kind === "bundle") {
      fs.copyFileSync(path.join(ROOT, "agent", "dist", "berth-agent.cjs"), path.join(dir, "berth-agent.cjs"));
      args = [path.join(dir, "berth-agent.cjs")];
      cwd = dir;
    } else {
      args = ["--import", "tsx", "agent/main.ts"];
      cwd = ROOT;
    }
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: "ignore" });
    children.push(child);
    while (!connectedAt.has(hostId)) {
      if (child.exitCode !== null) throw new Error(`${kind} agent exited ${child.exitCode}`);
      await sleep(5);
    }
    return { hostId, child, startMs: Math.round(connectedAt.get(hostId)! - t0) };
  }

  const spec = (hostId: string, setId: string, n: number): TSetSpec => ({
    setId, teamId: "footprintteam01", appId: "footprintapp01", hostId, specVersion: 1, cpuMillis: 100, memoryMiB: 32, diskGiB: 0,
    volumePath: "/data", sysctls: {},
    network: { subnet: "198.18.9.0/24", gateway: "198.18.9.1", ip: `198.18.9.${n + 2}`, aliases: ["footprint"], ports: [] },
    containers: [{ index: 0, name: "app", image: IMAGE, cpuPercent: 100, memoryPercent: 100, env: {}, command: ["sleep", "1000000"] }],
  });

  let bundleHost = "";
  try {
    // One after the other, so neither start competes with the other for the CPU.
    const bundle = await launch("bundle");
    const source = await launch("source");
    bundleHost = bundle.hostId;
    await sleep(IDLE_MS);
    const rss = rssMb(bundle.child.pid!);
    const peerRss = rssMb(source.child.pid!);
    source.child.kill("SIGTERM");

    const socket = sockets.get(bundle.hostId)!;
    for (let n = 0; n < SETS; n++) {
      const ack = (await socket.timeout(60_000).emitWithAck("set:apply", { opId: id(), spec: spec(bundle.hostId, `footprint${id()}`, n) })) as TAck<unknown>;
      if (!ack.ok) throw new Error(`set ${n}: ${ack.error.message}`);
    }
    // Two metrics sweeps (15 s) over the sets before reading memory.
    await sleep(31_000);
    const rssSets = rssMb(bundle.child.pid!);
    console.log(
      JSON.stringify({
        bench: "agent-footprint",
        rss_mb: rss,
        peer_rss_mb: peerRss,
        rss_ratio: Math.round((rss / peerRss) * 100) / 100,
        start_ms: bundle.startMs,
        peer_start_ms: source.startMs,
        start_ratio: Math.round((bundle.startMs / source.startMs) * 100) / 100,
        sets: SETS,
        rss_with_sets_mb: rssSets,
        bundle_bytes: fs.statSync(path.join(ROOT, "agent", "dist", "berth-agent.cjs")).size,
      }),
    );
  } finally {
    for (const c of children) c.kill("SIGKILL");
    if (bundleHost) for (const c of await engine.listByLabels({ [LABEL.host]: bundleHost })) await engine.remove(c.id);
    for (const n of await engine.docker.listNetworks({ filters: { label: [`${LABEL.team}=footprintteam01`] } })) await engine.docker.getNetwork(n.Id).remove().catch((err: unknown) => console.warn(`network ${n.Name}: ${(err as Error).message}`));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    io.close();
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

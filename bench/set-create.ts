/**
 * bench/set-create: time from `set:apply` (emitted over Socket.IO to a real in-process Agent,
 * exactly as the console does) to the ack that says every container runs, for a 3-container set
 * (infra + 2) with a pinned address and DNS names on its team's planned bridge, next to raw
 * dockerode create+start of the same 3 containers with the same network options, alternating
 * runs on the same engine. A second pair of columns (`published_*`) does the same for a set with
 * one published port (both sides bind it). Last line: one JSON object.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Server } from "socket.io";
import { Agent } from "../agent/agent";
import { agentSettings } from "../agent/config";
import { teamNetworkName } from "../agent/docker/config";
import { DockerEngine } from "../agent/docker/engine";
import { ensureBusyboxImage } from "../agent/docker/infra-image";
import { LABEL, type TSetSpec } from "../lib/protocol/agent";
import type { TAck } from "../lib/protocol/events";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const IMAGE_REPO = "berth/bench";
const IMAGE = `${IMAGE_REPO}:1`;
const id = () => randomBytes(8).toString("hex");
const hostId = `benchhost${id()}`;
const teamId = `benchteam${id()}`;
const BENCH_LABEL = "berth.bench";
// RFC 2544's benchmarking range: collides with no team subnet of a console on this engine.
const SUBNET = { subnet: "198.18.7.0/24", gateway: "198.18.7.1" };
let nextAddress = 2;
const address = () => `198.18.7.${nextAddress++}`;
let nextHostPort = 40000;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

async function main(): Promise<void> {
  const engine = new DockerEngine();
  await ensureBusyboxImage(engine, IMAGE_REPO, "1");
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bench-"));

  // A stand-in console: the /agent namespace accepting this one agent.
  const http = createServer();
  const io = new Server(http, { path: "/socket.io" });
  const connected = new Promise<import("socket.io").Socket>((resolve) => io.of("/agent").on("connection", resolve));
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as AddressInfo).port;
  const settings = agentSettings({
    BERTH_CONSOLE_URL: `http://127.0.0.1:${port}`,
    BERTH_AGENT_STATE_DIR: stateDir,
    BERTH_HOST_NAME: "bench",
    BERTH_VOLUME_ROOT: stateDir,
    BERTH_HEARTBEAT_SECONDS: "60",
    BERTH_INFRA_IMAGE: IMAGE,
  });
  const agent = new Agent(settings, { hostId, credential: "bench-credential-0000", consoleUrl: settings.BERTH_CONSOLE_URL });
  await agent.start();
  const socket = await connected;

  const network = teamNetworkName(teamId, hostId, true);
  const times = { ours: [] as number[], peer: [] as number[], oursPublished: [] as number[], peerPublished: [] as number[] };
  const setIds: string[] = [];
  const peerNames: string[] = [];

  // Both sides pin the set's address on the team's planned bridge and give it its two DNS names.
  const spec = (setId: string, published = false): TSetSpec => ({
    setId, teamId, appId: "benchapp0001", hostId, specVersion: 1, cpuMillis: 1000, memoryMiB: 256, diskGiB: 1,
    volumePath: "/data", sysctls: {},
    network: {
      ...SUBNET, ip: address(), aliases: ["bench", `bench-${nextAddress}`],
      ports: published ? [{ port: 8080, protocol: "tcp", hostPort: nextHostPort++ }] : [],
    },
    containers: [
      { index: 0, name: "app", image: IMAGE, cpuPercent: 80, memoryPercent: 70, env: { PORT: "8080" }, command: ["httpd", "-f", "-p", "8080"] },
      { index: 1, name: "sidecar", image: IMAGE, cpuPercent: 20, memoryPercent: 30, env: {}, command: ["sleep", "1000000"] },
    ],
  });

  async function oursOnce(published: boolean): Promise<number> {
    const setId = `bench${id()}`;
    setIds.push(setId);
    const t0 = performance.now();
    const ack = (await socket.timeout(60_000).emitWithAck("set:apply", { opId: id(), spec: spec(setId, published) })) as TAck<{ containers: Array<{ state: string }> }>;
    const ms = performance.now() - t0;
    if (!ack.ok) throw new Error(`apply failed: ${ack.error.message}`);
    if (!ack.data.containers.every((c) => c.state === "running")) throw new Error("apply acked before all containers ran");
    await agent.sets.action({ opId: id(), setId, action: "remove" });
    return ms;
  }

  // The peer: what a hand-written script does for the same set, with nothing else around it.
  async function peerOnce(published: boolean): Promise<number> {
    const n = `benchpeer${id()}`;
    peerNames.push(n);
    const labels = { [BENCH_LABEL]: "1" };
    const t0 = performance.now();
    const infra = await engine.docker.createContainer({
      name: `${n}-infra`, Image: IMAGE, Labels: labels,
      Cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"],
      ...(published ? { ExposedPorts: { "8080/tcp": {} } } : {}),
      HostConfig: {
        IpcMode: "shareable", NetworkMode: network, Memory: 16 << 20,
        ...(published ? { PortBindings: { "8080/tcp": [{ HostPort: String(nextHostPort++) }] } } : {}),
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: address() }, Aliases: ["bench", `bench-${nextAddress}`] } } },
    });
    await infra.start();
    for (const [i, cmd] of [["httpd", "-f", "-p", "8080"], ["sleep", "1000000"]].entries()) {
      const c = await engine.docker.createContainer({
        name: `${n}-${i}`, Image: IMAGE, Cmd: cmd, Labels: labels,
        HostConfig: { NetworkMode: `container:${infra.id}`, IpcMode: `container:${infra.id}`, NanoCpus: 500_000_000, Memory: 128 << 20 },
      });
      await c.start();
    }
    const ms = performance.now() - t0;
    for (const c of await engine.listByLabels(labels)) await engine.remove(c.id);
    return ms;
  }

  try {
    // A set that stays for the whole run keeps the team network alive (the agent returns a team's
    // network when its last set goes), so neither side pays network creation inside a timed run.
    const keeper = `bench${id()}`;
    setIds.push(keeper);
    const kept = (await socket.timeout(60_000).emitWithAck("set:apply", { opId: id(), spec: spec(keeper) })) as TAck<unknown>;
    if (!kept.ok) throw new Error(`keeper set failed: ${kept.error.message}`);
    // Warm-up: first-use caches are not what we measure.
    await oursOnce(false);
    await peerOnce(false);
    for (let i = 0; i < RUNS; i++) {
      for (const published of [false, true]) {
        const [o, p] = published ? [times.oursPublished, times.peerPublished] : [times.ours, times.peer];
        if (i % 2 === 0) {
          o.push(await oursOnce(published));
          p.push(await peerOnce(published));
        } else {
          p.push(await peerOnce(published));
          o.push(await oursOnce(published));
        }
      }
    }
  } finally {
    for (const setId of setIds) await agent.sets.action({ opId: id(), setId, action: "remove" }).catch(() => undefined);
    for (const c of await engine.listByLabels({ [BENCH_LABEL]: "1" })) await engine.remove(c.id);
    for (const c of await engine.listByLabels({ [LABEL.host]: hostId })) await engine.remove(c.id);
    await engine.removeNetwork(network);
    agent.stop();
    io.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }

  for (const list of Object.values(times)) list.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  const ratio = (a: number[], b: number[], p: number) => Math.round((percentile(a, p) / percentile(b, p)) * 100) / 100;
  const result = {
    bench: "set-create",
    n: RUNS,
    p50_ms: r(percentile(times.ours, 50)),
    p99_ms: r(percentile(times.ours, 99)),
    peer_p50_ms: r(percentile(times.peer, 50)),
    peer_p99_ms: r(percentile(times.peer, 99)),
    p50_ratio: ratio(times.ours, times.peer, 50),
    p99_ratio: ratio(times.ours, times.peer, 99),
    published_p50_ms: r(percentile(times.oursPublished, 50)),
    published_p99_ms: r(percentile(times.oursPublished, 99)),
    published_peer_p50_ms: r(percentile(times.peerPublished, 50)),
    published_peer_p99_ms: r(percentile(times.peerPublished, 99)),
    published_p50_ratio: ratio(times.oursPublished, times.peerPublished, 50),
    published_p99_ratio: ratio(times.oursPublished, times.peerPublished, 99),
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * bench/terminal: keystroke echo round trip through Berth's whole terminal path (socket.io client
 * → console /ui → agent → docker exec with a TTY → back) against a direct `docker exec` attach
 * through dockerode on the same container, in the same run, interleaved in rounds so both see
 * the same machine load. Each keystroke goes to `cat` on a raw TTY and the time until its echo
 * comes back is measured. Then throughput: 16 MB through each path. Last line: one JSON object.
 *
 * Starts its own console (tests/helpers/console.ts: dev mode unless a build exists) and agent,
 * and removes everything it created.
 */
import os from "node:os";
import type { Duplex } from "node:stream";
import { io, type Socket } from "socket.io-client";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../tests/helpers/agent";
import { adminApi, type Api } from "../tests/helpers/api";
import { startConsole, type TConsole } from "../tests/helpers/console";
import { makeTeam } from "../tests/helpers/fixtures";
import type { TAck } from "../lib/protocol/events";
import type { TSetView, TAppView } from "../lib/protocol/apps";
import type { DockerEngine } from "../agent/docker/engine";

const KEYS = Number(process.env.BENCH_KEYS ?? 800);
/** A freshly started console (Next dev compiles in the background) is not what we measure. */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 20_000);
const ROUNDS = 8;
const THROUGHPUT_BYTES = Number(process.env.BENCH_BYTES ?? 16 * 1024 * 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One byte-stream terminal, whichever path carries it. */
interface TPipe {
  write(data: string): void;
  /** Called with every output chunk. */
  onData: ((b: Buffer) => void) | null;
  close(): void;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

/** Waits until the output (from now on) contains `marker`; returns bytes seen until then. */
function until(pipe: TPipe, marker: string, timeoutMs = 60_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = "";
    let bytes = 0;
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(marker)}; tail ${JSON.stringify(seen.slice(-200))}`)), timeoutMs);
    pipe.onData = (b) => {
      bytes += b.length;
      seen = (seen + b.toString("latin1")).slice(-4096);
      if (seen.includes(marker)) {
        clearTimeout(timer);
        pipe.onData = null;
        resolve(bytes);
      }
    };
  });
}

async function berthPipe(url: string, token: string, setId: string): Promise<TPipe> {
  const socket: Socket = io(`${url}/ui`, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const pipe: TPipe = {
    onData: null,
    write: () => undefined,
    close: () => socket.disconnect(),
  };
  socket.on("terminal:output", (p: { data: ArrayBuffer | string }, ack?: () => void) => {
    pipe.onData?.(typeof p.data === "string" ? Buffer.from(p.data) : Buffer.from(p.data));
    if (typeof ack === "function") ack();
  });
  const ack = (await socket.timeout(30_000).emitWithAck("terminal:open", { setId, container: "app", cols: 120, rows: 40 })) as TAck<{ sessionId: string }>;
  if (!ack.ok) throw new Error(`terminal:open: ${ack.error.message}`);
  const sessionId = ack.data.sessionId;
  pipe.write = (data) => socket.emit("terminal:input", { sessionId, data });
  return pipe;
}

async function directPipe(engine: DockerEngine, containerId: string): Promise<TPipe> {
  const exec = await engine.docker.getContainer(containerId).exec({
    Cmd: ["/bin/sh"], Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, Env: ["TERM=xterm-256color"],
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  await engine.docker.getExec(exec.id).resize({ w: 120, h: 40 });
  const pipe: TPipe = { onData: null, write: (d) => stream.write(d), close: () => stream.destroy() };
  stream.on("data", (b: Buffer) => pipe.onData?.(b));
  return pipe;
}

/** Turns the shell into `cat` on a raw TTY: every byte in comes straight back. */
async function toEcho(pipe: TPipe): Promise<void> {
  await sleep(300);
  // The marker is computed, so the shell's echo of the typed line cannot match it.
  const ready = until(pipe, "ECHO-42");
  pipe.write("stty raw -echo; echo ECHO-$((6*7)); exec cat\n");
  await ready;
  await sleep(200);
}

async function keystrokes(pipe: TPipe, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const echoed = until(pipe, key, 10_000);
    const t0 = performance.now();
    pipe.write(key);
    await echoed;
    into.push(performance.now() - t0);
  }
}

/** MB/s for THROUGHPUT_BYTES of output from a fresh shell on `pipe`. */
async function throughput(pipe: TPipe): Promise<number> {
  await sleep(300);
  const ready = until(pipe, "GO-2");
  pipe.write("stty -echo; echo GO-$((1+1))\n");
  await ready;
  const done = until(pipe, "END-3", 120_000);
  const t0 = performance.now();
  pipe.write(`head -c ${THROUGHPUT_BYTES} /dev/zero | tr '\\0' x; echo END-$((1+2))\n`);
  const bytes = await done;
  return bytes / 1e6 / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  let console_: TConsole | undefined;
  let agent: TestAgent | undefined;
  let admin: Api | undefined;
  let engine: DockerEngine | undefined;
  const pipes: TPipe[] = [];
  try {
    console_ = await startConsole();
    admin = await adminApi(console_);
    engine = await ensureTestImage();
    agent = await startReadyAgent(admin, console_.url, "bench-term");
    const team = await makeTeam(admin);
    const created = await admin.post(`/api/v1/teams/${team}/apps`, {
      name: "bench", replicas: 1, size: { cpu: 1, memoryMiB: 256, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
    });
    if (created.status !== 201) throw new Error(`app create: HTTP ${created.status} ${created.text}`);
    const setId = (created.body as TAppView).sets[0].id;
    const api = admin;
    const set = await waitFor("bench set Running", async () => {
      const s = (await api.get(`/api/v1/sets/${setId}`)).body as TSetView;
      return s.state === "Running" ? s : null;
    }, 120_000);
    const containerId = set.containers[0].dockerId;
    if (!containerId) throw new Error("no docker id");
    const token = admin.auth.token ?? "";

    const ours = await berthPipe(console_.url, token, setId);
    const peer = await directPipe(engine, containerId);
    pipes.push(ours, peer);
    await Promise.all([toEcho(ours), toEcho(peer)]);
    // Warm-up: JIT, socket buffers, Docker's attach goroutines, and the console's start-up work.
    const warmUntil = Date.now() + WARMUP_MS;
    while (Date.now() < warmUntil) {
      await keystrokes(ours, 26, []);
      await keystrokes(peer, 26, []);
    }
    const load = os.loadavg()[0];

    const oursMs: number[] = [];
    const peerMs: number[] = [];
    const per = Math.ceil(KEYS / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first so neither always gets the quieter half of a round.
      if (r % 2 === 0) {
        await keystrokes(ours, per, oursMs);
        await keystrokes(peer, per, peerMs);
      } else {
        await keystrokes(peer, per, peerMs);
        await keystrokes(ours, per, oursMs);
      }
    }

    const tOurs = await berthPipe(console_.url, token, setId);
    const tPeer = await directPipe(engine, containerId);
    pipes.push(tOurs, tPeer);
    const oursMbps = await throughput(tOurs);
    const peerMbps = await throughput(tPeer);

    oursMs.sort((a, b) => a - b);
    peerMs.sort((a, b) => a - b);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const result = {
      bench: "terminal",
      keystrokes: oursMs.length,
      peer_keystrokes: peerMs.length,
      p50_ms: r2(percentile(oursMs, 50)),
      p99_ms: r2(percentile(oursMs, 99)),
      peer_p50_ms: r2(percentile(peerMs, 50)),
      peer_p99_ms: r2(percentile(peerMs, 99)),
      p50_delta_ms: r2(percentile(oursMs, 50) - percentile(peerMs, 50)),
      p99_delta_ms: r2(percentile(oursMs, 99) - percentile(peerMs, 99)),
      throughput_mb_s: r2(oursMbps),
      peer_throughput_mb_s: r2(peerMbps),
      throughput_bytes: THROUGHPUT_BYTES,
      console_mode: console_.mode,
      // Context for the numbers: every hop is a process wake-up, and this machine is shared.
      loadavg_1m: Math.round(load * 100) / 100,
      cpus: os.cpus().length,
    };
    console.log(JSON.stringify(result));
  } finally {
    for (const p of pipes) p.close();
    if (agent && engine && admin) await agent.destroy(engine, admin).catch((err: unknown) => console.error("agent cleanup failed", err));
    await console_?.stop();
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

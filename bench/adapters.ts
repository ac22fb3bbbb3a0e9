/**
 * bench:adapters — what a packet costs between two console replicas through Socket.IO's Redis
 * adapter (what Berth wires, BERTH_REDIS_URL) and through @socket.io/postgres-adapter (no extra
 * server: Postgres is already there), side by side in one script, on a real redis-server and a
 * real (embedded) Postgres. For each: server A broadcasts to a room whose only client is connected
 * to server B (a metrics sample, a terminal chunk, a set event), and A calls a client on B with
 * an acknowledgement (what the agent gateway does for an agent held by another replica).
 * Last line: one JSON object; `pg_vs_redis_*` > 1 means Postgres is slower.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createAdapter as createPgAdapter } from "@socket.io/postgres-adapter";
import { createAdapter as createRedisAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import pg from "pg";
import { Server } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { startEmbeddedPostgres, type TEmbeddedHandle } from "../lib/db/embedded";
import { freePort } from "../tests/helpers/console";
import { startRedis, type TRedis } from "../tests/helpers/redis";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const BURST = Number(process.env.BENCH_BURST ?? 5000);
const ACKS = Number(process.env.BENCH_ACKS ?? 500);

interface TPair {
  a: Server;
  b: Server;
  client: ClientSocket;
  close(): Promise<void>;
}

type TAdapterFactory = () => Promise<{ adapter: Parameters<Server["adapter"]>[0]; close(): Promise<void> }>;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const round = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listen(): Promise<{ http: HttpServer; port: number }> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return { http, port: (http.address() as AddressInfo).port };
}

/** Two servers on one adapter kind, and one client on the second, in room "r". */
async function pair(factory: TAdapterFactory): Promise<TPair> {
  const [ha, hb] = [await listen(), await listen()];
  const [fa, fb] = [await factory(), await factory()];
  const a = new Server(ha.http, { adapter: fa.adapter });
  const b = new Server(hb.http, { adapter: fb.adapter });
  b.on("connection", (s) => void s.join("r"));
  const client = connect(`http://127.0.0.1:${hb.port}`, { transports: ["websocket"], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    client.once("connect", resolve);
    client.once("connect_error", reject);
  });
  // Until A sees B's client through the adapter, broadcasts could miss it.
  for (let i = 0; i < 100 && (await a.in("r").fetchSockets().catch(() => [])).length === 0; i++) await sleep(100);
  client.on("q", (n: number, ack: (n: number) => void) => ack(n));
  return {
    a,
    b,
    client,
    close: async () => {
      client.disconnect();
      await Promise.all([new Promise((r) => a.close(() => r(null))), new Promise((r) => b.close(() => r(null)))]);
      await Promise.all([fa.close(), fb.close()]);
    },
  };
}

/** One-way latency of paced broadcasts of `bytes` each (same clock on both ends). */
async function broadcastLatency(p: TPair, bytes: number, count: number): Promise<number[]> {
  const pad = "x".repeat(bytes);
  const lat: number[] = [];
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  const on = (m: { t: number }) => {
    lat.push(performance.now() - m.t);
    if (lat.length === count) done();
  };
  p.client.on("m", on);
  for (let i = 0; i < count; i++) {
    p.a.to("r").emit("m", { t: performance.now(), pad });
    if (i % 10 === 9) await sleep(5);
  }
  await Promise.race([all, sleep(60_000)]);
  p.client.off("m", on);
  return lat;
}

/** Messages a second when `count` are sent at once. */
async function burstRate(p: TPair, count: number): Promise<{ perSecond: number; received: number }> {
  const pad = "y".repeat(1024);
  let received = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  const on = () => {
    received += 1;
    if (received === count) done();
  };
  p.client.on("b", on);
  const start = performance.now();
  for (let i = 0; i < count; i++) p.a.to("r").emit("b", pad);
  await Promise.race([all, sleep(120_000)]);
  const took = performance.now() - start;
  p.client.off("b", on);
  return { perSecond: Math.round((received / took) * 1000), received };
}

/**
 * Round trips of a command with an acknowledgement across the adapter. Only answered calls count:
 * an adapter that does not yet know the other server resolves at once with no answer.
 */
async function ackLatency(p: TPair, count: number): Promise<{ lat: number[]; unanswered: number }> {
  const lat: number[] = [];
  let unanswered = 0;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const replies: unknown = await p.a.to("r").timeout(5000).emitWithAck("q", i);
    if (Array.isArray(replies) && replies[0] === i) lat.push(performance.now() - t);
    else unanswered += 1;
  }
  return { lat, unanswered };
}

async function measure(name: string, factory: TAdapterFactory) {
  const p = await pair(factory);
  try {
    const small = await broadcastLatency(p, 200, MESSAGES);
    const chunk = await broadcastLatency(p, 16 * 1024, Math.max(50, MESSAGES / 5));
    const burst = await burstRate(p, BURST);
    const acks = await ackLatency(p, ACKS);
    const r = {
      small_p50_ms: round(percentile(small, 50)),
      small_p99_ms: round(percentile(small, 99)),
      chunk16k_p50_ms: round(percentile(chunk, 50)),
      chunk16k_p99_ms: round(percentile(chunk, 99)),
      burst_per_s: burst.perSecond,
      burst_received: burst.received,
      ack_p50_ms: round(percentile(acks.lat, 50)),
      ack_p99_ms: round(percentile(acks.lat, 99)),
      ack_unanswered: acks.unanswered,
      lost: MESSAGES - small.length,
    };
    console.log(`[bench] ${name}: ${JSON.stringify(r)}`);
    return r;
  } finally {
    await p.close();
  }
}

async function main(): Promise<void> {
  let redis: TRedis | null = null;
  let postgres: TEmbeddedHandle | null = null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bench-adapters-"));
  fs.chmodSync(dir, 0o755);
  try {
    redis = await startRedis();
    postgres = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), port: await freePort(), database: "bench" });
    const pgUrl = postgres.url;
    const setup = new pg.Client({ connectionString: pgUrl });
    await setup.connect();
    // The adapter keeps payloads over its NOTIFY threshold here.
    await setup.query("CREATE TABLE IF NOT EXISTS socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)");
    await setup.end();
    const redisUrl = redis.url;

    const viaRedis = await measure("redis", async () => {
      const pub = new Redis(redisUrl);
      const sub = pub.duplicate();
      return { adapter: createRedisAdapter(pub, sub), close: async () => void (await Promise.allSettled([pub.quit(), sub.quit()])) };
    });
    const viaPg = await measure("postgres", async () => {
      const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
      return { adapter: createPgAdapter(pool), close: () => pool.end() };
    });
    const ratio = (x: number, y: number) => (y > 0 ? round(x / y) : null);
    console.log(
      JSON.stringify({
        bench: "adapters",
        messages: MESSAGES,
        redis: viaRedis,
        postgres: viaPg,
        pg_vs_redis_small_p99_ratio: ratio(viaPg.small_p99_ms, viaRedis.small_p99_ms),
        pg_vs_redis_chunk16k_p99_ratio: ratio(viaPg.chunk16k_p99_ms, viaRedis.chunk16k_p99_ms),
        pg_vs_redis_ack_p50_ratio: ratio(viaPg.ack_p50_ms, viaRedis.ack_p50_ms),
        redis_vs_pg_burst_ratio: ratio(viaRedis.burst_per_s, viaPg.burst_per_s),
      }),
    );
  } finally {
    await postgres?.stop().catch((err: unknown) => console.error("[bench] postgres stop failed", err));
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

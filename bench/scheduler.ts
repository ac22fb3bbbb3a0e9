/**
 * bench/scheduler: place 10,000 sets on 1,000 simulated hosts, (1) in-process with the pure
 * scheduler and (2) through the console's placement path with Postgres reads and writes (the
 * transaction the API runs after a create: lock, read pending sets and host allocations, place,
 * write every assignment). Peers for scale: kube-scheduler's regression floor at 5,000 nodes is
 * 810 pods/s, Nomad's C2M averaged about 1,500/s. Last line: one JSON object.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { placeSets, type TSchedHost } from "../lib/scheduler/place";

const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const SETS = Number(process.env.BENCH_SETS ?? 10_000);
const PER_APP = Number(process.env.BENCH_SETS_PER_APP ?? 10);
const ZONES = ["a", "b", "c", "d"];

function simulatedHosts(): TSchedHost[] {
  return Array.from({ length: HOSTS }, (_, i) => ({
    id: `host${String(i).padStart(5, "0")}`,
    zone: ZONES[i % ZONES.length],
    ready: i % 50 !== 0,
    cordoned: i % 97 === 0,
    cpuMillis: 32_000,
    memoryMiB: 131_072,
    diskGiB: 2000,
    allocCpuMillis: (i * 37) % 8000,
    allocMemoryMiB: (i * 101) % 32_768,
    allocDiskGiB: 0,
    appSets: 0,
  }));
}

function inProcess(): { perSecond: number; placed: number } {
  const hosts = simulatedHosts();
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const apps = SETS / PER_APP;
  let placed = 0;
  const t0 = performance.now();
  for (let a = 0; a < apps; a++) {
    const placements = placeSets(hosts, { cpuMillis: 250 + (a % 4) * 250, memoryMiB: 256 + (a % 8) * 128, diskGiB: 1 }, PER_APP);
    for (const p of placements) {
      if (!p.hostId) continue;
      placed++;
      const h = byId.get(p.hostId)!;
      h.allocCpuMillis += 250 + (a % 4) * 250;
      h.allocMemoryMiB += 256 + (a % 8) * 128;
      h.allocDiskGiB += 1;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: Math.round(SETS / seconds), placed };
}

async function withDatabase(): Promise<{ perSecond: number; placed: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bench-sched-"));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), port: 20000 + Math.floor(Math.random() * 20000), database: "bench" });
  try {
    await migrate(pg.url);
    process.env.DATABASE_URL = pg.url;
    const { db, closeDb } = await import("../lib/db");
    const { assignPendingSets } = await import("../lib/scheduler/assign");
    const client = db();
    const team = await client.team.create({ data: { slug: "bench", name: "Bench" } });
    await client.host.createMany({
      data: simulatedHosts().map((h) => ({
        id: h.id,
        name: h.id,
        zone: h.zone,
        status: h.ready ? "Ready" : "Unreachable",
        cordoned: h.cordoned,
        credentialHash: `bench-${h.id}`,
        cpuCores: h.cpuMillis / 1000,
        memoryBytes: BigInt(h.memoryMiB) * 1024n * 1024n,
        volumeFreeBytes: BigInt(h.diskGiB) * 1024n ** 3n,
      })),
    });
    const apps = SETS / PER_APP;
    for (let a = 0; a < apps; a += 100) {
      const batch = Array.from({ length: Math.min(100, apps - a) }, (_, k) => a + k);
      await client.app.createMany({
        data: batch.map((i) => ({ id: `app${i}`, teamId: team.id, name: `app-${i}`, replicas: PER_APP, cpuMillis: 250 + (i % 4) * 250, memoryMiB: 256 + (i % 8) * 128, diskGiB: 1, containers: [] })),
      });
      await client.set.createMany({
        data: batch.flatMap((i) =>
          Array.from({ length: PER_APP }, (_, o) => ({ appId: `app${i}`, teamId: team.id, ordinal: o, cpuMillis: 250 + (i % 4) * 250, memoryMiB: 256 + (i % 8) * 128, diskGiB: 1 })),
        ),
      });
    }
    const t0 = performance.now();
    const placed = await assignPendingSets();
    const seconds = (performance.now() - t0) / 1000;
    const written = await client.set.count({ where: { hostId: { not: null } } });
    if (written !== placed.length) throw new Error(`placed ${placed.length} but ${written} rows carry a host`);
    await closeDb();
    return { perSecond: Math.round(SETS / seconds), placed: placed.length };
  } finally {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  inProcess(); // warm-up: JIT, not measured
  const mem = inProcess();
  const withDb = await withDatabase();
  console.log(
    JSON.stringify({
      bench: "scheduler",
      hosts: HOSTS,
      sets: SETS,
      inprocess_per_s: mem.perSecond,
      inprocess_placed: mem.placed,
      with_db_per_s: withDb.perSecond,
      with_db_placed: withDb.placed,
      peer_kube_scheduler_floor_per_s: 810,
      peer_nomad_c2m_per_s: 1500,
      with_db_ratio_vs_nomad: Math.round((withDb.perSecond / 1500) * 100) / 100,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

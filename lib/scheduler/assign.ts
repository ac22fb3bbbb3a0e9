import { db } from "../db";
import { dispatchApply } from "../sets/dispatch";
import { placeSets, type TPolicy, type TSchedHost } from "./place";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
// Serialises placement across concurrent requests (and console replicas).
const SCHEDULER_LOCK = 0x42657274;

function policy(): TPolicy {
  return process.env.BERTH_SCHEDULER_POLICY === "pack" ? "pack" : "spread";
}

/**
 * Assigns hosts to every Pending set that has none. Sets that fit nowhere keep `Pending` with
 * the reason and are retried on the next call. Returns the ids of the sets it placed.
 */
export async function assignPendingSets(): Promise<string[]> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SCHEDULER_LOCK})`;
    const pending = await tx.set.findMany({
      where: { hostId: null, deletedAt: null, state: { in: ["Pending"] } },
      orderBy: [{ createdAt: "asc" }, { ordinal: "asc" }],
    });
    if (pending.length === 0) return [];
    const hosts = await tx.host.findMany({
      where: { revokedAt: null },
      include: { sets: { where: { deletedAt: null }, select: { appId: true, cpuMillis: true, memoryMiB: true, diskGiB: true } } },
    });
    const assigned: string[] = [];
    const byApp = new Map<string, typeof pending>();
    for (const s of pending) byApp.set(s.appId, [...(byApp.get(s.appId) ?? []), s]);
    for (const [appId, sets] of byApp) {
      const candidates: TSchedHost[] = hosts.map((h) => ({
        id: h.id,
        zone: h.zone,
        ready: h.status === "Ready",
        cordoned: h.cordoned,
        cpuMillis: Math.floor(h.cpuCores * 1000),
        memoryMiB: Math.floor(Number(h.memoryBytes) / MIB),
        diskGiB: Math.floor(Number(h.volumeFreeBytes) / GIB),
        allocCpuMillis: h.sets.reduce((a, s) => a + s.cpuMillis, 0),
        allocMemoryMiB: h.sets.reduce((a, s) => a + s.memoryMiB, 0),
        allocDiskGiB: h.sets.reduce((a, s) => a + s.diskGiB, 0),
        appSets: h.sets.filter((s) => s.appId === appId).length,
      }));
      // Sets of one app share a size; place them together so spreading sees all of them.
      const first = sets[0];
      const placements = placeSets(candidates, { cpuMillis: first.cpuMillis, memoryMiB: first.memoryMiB, diskGiB: first.diskGiB }, sets.length, policy());
      for (let i = 0; i < sets.length; i++) {
        const p = placements[i];
        const set = sets[i];
        if (p.hostId) {
          await tx.set.update({ where: { id: set.id }, data: { hostId: p.hostId, state: "Creating", reason: "placed; sending to host" } });
          const host = hosts.find((h) => h.id === p.hostId);
          host?.sets.push({ appId, cpuMillis: set.cpuMillis, memoryMiB: set.memoryMiB, diskGiB: set.diskGiB });
          assigned.push(set.id);
        } else if ("reason" in p && set.reason !== p.reason) {
          await tx.set.update({ where: { id: set.id }, data: { reason: p.reason } });
        }
      }
    }
    return assigned;
  });
}

/** Placement, then each placed set is sent to its agent (in parallel; each set in order). */
export async function scheduleAndDispatch(): Promise<string[]> {
  const placed = await assignPendingSets();
  await Promise.all(placed.map((id) => dispatchApply(id)));
  return placed;
}

/** For request handlers: place now (so the answer names hosts), create on hosts in the background. */
export async function scheduleThenDispatchInBackground(): Promise<void> {
  const placed = await assignPendingSets();
  for (const id of placed) {
    dispatchApply(id).catch((err: unknown) => console.error(`apply of set ${id} failed`, err));
  }
}

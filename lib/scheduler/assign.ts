import { settings } from "../env";
import { db, type TTx } from "../db";
import { allocateAddresses, appPortsOf, hostPortsOf, releaseEmptySubnets, type TPlacement } from "../network/plan";
import { dispatchApply } from "../sets/dispatch";
import { prePullPlaced } from "../sets/pull";
import { placeSets, type TPolicy, type TSchedHost } from "./place";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
// Serialises placement across concurrent requests (and console replicas).
const SCHEDULER_LOCK = 0x42657274;

function policy(): TPolicy {
  return settings().BERTH_SCHEDULER_POLICY;
}

function withSchedulerLock<T>(work: (tx: TTx) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SCHEDULER_LOCK})`;
    return work(tx);
  });
}

/** Team subnets with no live set are freed (after a grace period), under the placement lock. */
export function releaseSubnets(): Promise<number> {
  return withSchedulerLock((tx) => releaseEmptySubnets(tx));
}

/**
 * Assigns hosts (and addresses on them) to every Pending set that has none. Sets that fit nowhere
 * keep `Pending` with the reason and are retried on the next call. Returns the ids of the sets it placed.
 */
export async function assignPendingSets(): Promise<string[]> {
  return withSchedulerLock(async (tx) => {
    const pending = await tx.set.findMany({
      where: { hostId: null, deletedAt: null, state: "Pending" },
      orderBy: [{ createdAt: "asc" }, { ordinal: "asc" }],
      select: {
        id: true, appId: true, teamId: true, subnetId: true, ip: true, hostPorts: true,
        cpuMillis: true, memoryMiB: true, diskGiB: true, reason: true, app: { select: { ports: true } },
      },
    });
    if (pending.length === 0) return [];
    const hosts = await tx.host.findMany({
      where: { revokedAt: null },
      select: { id: true, zone: true, status: true, cordoned: true, cpuCores: true, memoryBytes: true, volumeFreeBytes: true, volumesUsedBytes: true },
    });
    // Allocation per host and sets per (host, app), summed once and kept current as we place.
    const live = await tx.set.groupBy({
      by: ["hostId", "appId"],
      where: { deletedAt: null, hostId: { not: null } },
      _sum: { cpuMillis: true, memoryMiB: true, diskGiB: true },
      _count: { _all: true },
    });
    const base = new Map<string, TSchedHost>(
      hosts.map((h) => [
        h.id,
        {
          id: h.id,
          zone: h.zone,
          ready: h.status === "Ready",
          cordoned: h.cordoned,
          cpuMillis: Math.floor(h.cpuCores * 1000),
          memoryMiB: Math.floor(Number(h.memoryBytes) / MIB),
          // Live sets' volumes are counted in full as allocated, so what they already wrote is
          // given back to the free space (else it would be counted twice).
          diskGiB: Math.floor((Number(h.volumeFreeBytes) + Number(h.volumesUsedBytes)) / GIB),
          allocCpuMillis: 0,
          allocMemoryMiB: 0,
          allocDiskGiB: 0,
          appSets: 0,
        },
      ]),
    );
    const appSets = new Map<string, Map<string, number>>();
    for (const g of live) {
      const h = g.hostId ? base.get(g.hostId) : undefined;
      if (!h) continue;
      h.allocCpuMillis += g._sum.cpuMillis ?? 0;
      h.allocMemoryMiB += g._sum.memoryMiB ?? 0;
      h.allocDiskGiB += g._sum.diskGiB ?? 0;
      const perApp = appSets.get(h.id) ?? new Map<string, number>();
      perApp.set(g.appId, (perApp.get(g.appId) ?? 0) + g._count._all);
      appSets.set(h.id, perApp);
    }

    const byApp = new Map<string, typeof pending>();
    for (const s of pending) {
      const group = byApp.get(s.appId);
      if (group) group.push(s);
      else byApp.set(s.appId, [s]);
    }
    const placed: TPlacement[] = [];
    const unplaced = new Map<string, string[]>();
    const refuse = (set: { id: string; reason: string | null }, reason: string) => {
      if (set.reason === reason) return;
      const ids = unplaced.get(reason);
      if (ids) ids.push(set.id);
      else unplaced.set(reason, [set.id]);
    };
    for (const [appId, sets] of byApp) {
      const candidates = [...base.values()].map((h) => ({ ...h, appSets: appSets.get(h.id)?.get(appId) ?? 0 }));
      // Sets of one app share a size; place them together so spreading sees all of them.
      const first = sets[0];
      const request = { cpuMillis: first.cpuMillis, memoryMiB: first.memoryMiB, diskGiB: first.diskGiB };
      const placements = placeSets(candidates, request, sets.length, policy());
      placements.forEach((p, i) => {
        const set = sets[i];
        if (p.hostId) {
          placed.push({
            setId: set.id, teamId: set.teamId, hostId: p.hostId, subnetId: set.subnetId, ip: set.ip,
            ports: appPortsOf(set.app.ports), hostPorts: hostPortsOf(set.hostPorts),
          });
          const h = base.get(p.hostId)!;
          h.allocCpuMillis += request.cpuMillis;
          h.allocMemoryMiB += request.memoryMiB;
          h.allocDiskGiB += request.diskGiB;
          const perApp = appSets.get(h.id) ?? new Map<string, number>();
          perApp.set(appId, (perApp.get(appId) ?? 0) + 1);
          appSets.set(h.id, perApp);
        } else if (p.reason) {
          refuse(set, p.reason);
        }
      });
    }
    // A placed set needs an address on its host; one that gets none stays Pending with the reason.
    const { assigned, refused } = await allocateAddresses(tx, placed);
    const pendingById = new Map(pending.map((s) => [s.id, s]));
    for (const [setId, reason] of refused) refuse(pendingById.get(setId)!, reason);
    const hostOf = new Map(placed.map((p) => [p.setId, p.hostId]));
    // One statement for every placement: thousands of sets place in one round trip.
    if (assigned.length) {
      await tx.$executeRaw`
        UPDATE "Set" AS s
           SET "hostId" = v.host, "subnetId" = v.subnet, "ip" = v.ip, "hostPorts" = v.ports,
               "state" = 'Creating'::"SetState", "reason" = 'placed; sending to host', "updatedAt" = now()
          FROM (SELECT unnest(${assigned.map((a) => a.setId)}::text[]) AS id, unnest(${assigned.map((a) => hostOf.get(a.setId)!)}::text[]) AS host,
                       unnest(${assigned.map((a) => a.subnetId)}::text[]) AS subnet, unnest(${assigned.map((a) => a.ip)}::text[]) AS ip,
                       unnest(${assigned.map((a) => JSON.stringify(a.hostPorts))}::jsonb[]) AS ports) AS v
         WHERE s.id = v.id AND s."hostId" IS NULL`;
    }
    for (const [reason, ids] of unplaced) {
      await tx.set.updateMany({ where: { id: { in: ids } }, data: { reason } });
    }
    return assigned.map((a) => a.setId);
  });
}

/** Hosts start pulling a placed set's images before its apply reaches them (the apply would pull them anyway). */
async function prePullOrLog(placed: string[]): Promise<void> {
  await prePullPlaced(placed).catch((err: unknown) => console.error("[pull] pre-pull not requested", err));
}

/** Placement, then each placed set is sent to its agent (in parallel; each set in order). */
export async function scheduleAndDispatch(): Promise<string[]> {
  const placed = await assignPendingSets();
  await prePullOrLog(placed);
  await Promise.all(placed.map((id) => dispatchApply(id)));
  return placed;
}

/** For request handlers: place now (so the answer names hosts), create on hosts in the background. */
export async function scheduleThenDispatchInBackground(): Promise<void> {
  const placed = await assignPendingSets();
  await prePullOrLog(placed);
  for (const id of placed) {
    dispatchApply(id).catch((err: unknown) => console.error(`apply of set ${id} failed`, err));
  }
}

import { requireAdmin } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import { settings } from "../env";
import type { THost } from "../protocol/api";
import { agentBundle } from "./agent-bundle";
import { toOperationView } from "./drain";

/** A finished drain stays on the hosts page this long, so its outcome can be read. */
const DRAIN_SHOWN_MS = 60 * 60 * 1000;

export async function listHosts(p: TPrincipal): Promise<THost[]> {
  requireAdmin(p);
  const hosts = await db().host.findMany({
    where: { revokedAt: null },
    orderBy: { name: "asc" },
    include: { sets: { where: { deletedAt: null }, select: { cpuMillis: true, memoryMiB: true, diskGiB: true } } },
  });
  const drains = await db().operation.findMany({
    where: {
      kind: "host.drain",
      hostId: { in: hosts.map((h) => h.id) },
      OR: [{ status: { in: ["Pending", "Running"] } }, { updatedAt: { gt: new Date(Date.now() - DRAIN_SHOWN_MS) } }],
    },
    orderBy: { createdAt: "desc" },
  });
  const latestDrain = new Map<string, (typeof drains)[number]>();
  for (const op of drains) if (op.hostId && !latestDrain.has(op.hostId)) latestDrain.set(op.hostId, op);
  const rescheduleSeconds = settings().BERTH_RESCHEDULE_SECONDS;
  const latestAgentVersion = agentBundle()?.version ?? null;
  return hosts.map((h) => ({
    id: h.id,
    name: h.name,
    zone: h.zone,
    status: h.status === "Ready" && h.cordoned ? "Cordoned" : h.status,
    cordoned: h.cordoned,
    capacity: { cpuCores: h.cpuCores, memoryBytes: Number(h.memoryBytes) },
    allocated: {
      cpuCores: h.sets.reduce((a, s) => a + s.cpuMillis, 0) / 1000,
      memoryBytes: h.sets.reduce((a, s) => a + s.memoryMiB, 0) * 1024 * 1024,
      diskGiB: h.sets.reduce((a, s) => a + s.diskGiB, 0),
    },
    diskFreeBytes: Number(h.diskFreeBytes),
    berthDisk: h.diskMeasuredAt
      ? {
          containersBytes: Number(h.containersDiskBytes),
          volumesBytes: Number(h.volumesUsedBytes),
          trashBytes: Number(h.trashBytes),
          measuredAt: h.diskMeasuredAt.toISOString(),
        }
      : null,
    lastSeenAt: h.lastSeenAt?.toISOString() ?? null,
    agentVersion: h.agentVersion,
    latestAgentVersion,
    statusReason: h.statusReason,
    registryPull:
      h.registryPullOk === null || !h.registryCheckedAt
        ? null
        : { ok: h.registryPullOk, error: h.registryPullError, checkedAt: h.registryCheckedAt.toISOString() },
    drain: latestDrain.has(h.id) ? toOperationView(latestDrain.get(h.id)!) : null,
    sets: h.sets.length,
    // The rule of lib/reconciler/loop.ts, from the same setting: sets move once the host has been silent this long.
    rescheduleAt:
      h.status === "Unreachable" && h.sets.length > 0 && h.lastSeenAt
        ? new Date(h.lastSeenAt.getTime() + rescheduleSeconds * 1000).toISOString()
        : null,
  }));
}

import { requireAdmin } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import type { THost } from "../protocol/api";

export async function listHosts(p: TPrincipal): Promise<THost[]> {
  requireAdmin(p);
  const hosts = await db().host.findMany({
    where: { revokedAt: null },
    orderBy: { name: "asc" },
    include: { sets: { where: { deletedAt: null }, select: { cpuMillis: true, memoryMiB: true, diskGiB: true } } },
  });
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
    statusReason: h.statusReason,
  }));
}

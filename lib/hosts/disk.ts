import { db } from "../db";
import { Prisma } from "../generated/prisma/client";
import type { TDiskUsage } from "../protocol/agent";
import { stopSetsOverShare } from "../sets/rootfs";

/**
 * Records a host's disk scan: each container's writable layer (only containers of sets assigned
 * to this host: an agent reports on nothing else), each live set volume's usage, and the host's
 * totals that the hosts page shows and the scheduler adds back to free volume space.
 */
export async function recordDiskUsage(hostId: string, usage: TDiskUsage): Promise<void> {
  const client = db();
  const owned = await client.set.findMany({
    where: { hostId, deletedAt: null, id: { in: [...new Set([...usage.containers.map((c) => c.setId), ...usage.volumes.map((v) => v.setId)])] } },
    select: { id: true },
  });
  const mine = new Set(owned.map((s) => s.id));
  const layers = usage.containers.filter((c) => mine.has(c.setId));
  const volumes = usage.volumes.filter((v) => mine.has(v.setId));
  await client.$transaction(async (tx) => {
    if (layers.length > 0) {
      const rows = Prisma.join(layers.map((c) => Prisma.sql`(${c.dockerId}::text, ${c.setId}::text, ${BigInt(Math.round(c.writableBytes))}::bigint)`));
      await tx.$executeRaw`
        UPDATE "Container" AS c SET "diskBytes" = v.bytes
          FROM (VALUES ${rows}) AS v("dockerId", "setId", bytes)
         WHERE c."dockerId" = v."dockerId" AND c."setId" = v."setId"`;
    }
    if (volumes.length > 0) {
      // One statement for the host's volumes; a volume whose figures did not move is not rewritten.
      const rows = Prisma.join(
        volumes.map(
          (v) =>
            Prisma.sql`(${v.setId}::text, ${BigInt(Math.round(v.usedBytes))}::bigint, ${BigInt(Math.round(v.sizeBytes))}::bigint, ${v.entries === undefined ? null : v.entries > 0}::boolean)`,
        ),
      );
      await tx.$executeRaw`
        UPDATE "Volume" AS vol SET "usedBytes" = v.used, "capacityBytes" = v.capacity, "holdsData" = COALESCE(v.holds, vol."holdsData"), "updatedAt" = now()
          FROM (VALUES ${rows}) AS v("setId", used, capacity, holds)
         WHERE vol."setId" = v."setId" AND vol."hostId" = ${hostId} AND vol."trashedAt" IS NULL
           AND (vol."usedBytes" IS DISTINCT FROM v.used OR vol."capacityBytes" IS DISTINCT FROM v.capacity OR vol."holdsData" IS DISTINCT FROM COALESCE(v.holds, vol."holdsData"))`;
    }
    await tx.host.update({
      where: { id: hostId },
      data: {
        containersDiskBytes: BigInt(Math.round(usage.containers.reduce((n, c) => n + c.writableBytes, 0))),
        // Only live sets' volumes: the scheduler gives these bytes back to free space because the
        // sets' full sizes are already counted as allocated; a stale copy's are not.
        volumesUsedBytes: BigInt(Math.round(volumes.reduce((n, v) => n + v.usedBytes, 0))),
        trashBytes: BigInt(Math.round(usage.trashBytes)),
        diskMeasuredAt: new Date(usage.measuredAt),
      },
    });
  });
  await stopSetsOverShare(hostId, layers);
}

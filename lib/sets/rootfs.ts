import { recordAudit } from "../audit";
import { db } from "../db";
import { settings } from "../env";
import { dispatchAction } from "./dispatch";

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** A set's share of its host's disk for its containers' writable layers (README: caps). */
export function writableShareBytes(diskGiB: number): number {
  return Math.max(diskGiB * GIB, settings().BERTH_ROOTFS_SHARE_MIN_MIB * MIB);
}

/** The writable layers of a set's containers against its share; null bytes when none was measured. */
export function writableLayers(diskGiB: number, layers: Array<bigint | number | null>): { usedBytes: number | null; shareBytes: number; over: boolean } {
  const measured = layers.filter((b): b is bigint | number => b !== null).map(Number);
  const usedBytes = measured.length ? measured.reduce((a, b) => a + b, 0) : null;
  const shareBytes = writableShareBytes(diskGiB);
  return { usedBytes, shareBytes, over: usedBytes !== null && usedBytes > shareBytes };
}

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(2)} GiB`;
}

/**
 * BERTH_ENFORCE_ROOTFS=1: a running set whose containers' writable layers (as its host just
 * measured them) are over its share is stopped, audited, with the reason on the set. It stays
 * stopped until someone starts it again (having moved the data to its volume, or not).
 */
export async function stopSetsOverShare(hostId: string, layers: Array<{ setId: string; writableBytes: number }>): Promise<string[]> {
  if (!settings().BERTH_ENFORCE_ROOTFS || layers.length === 0) return [];
  const used = new Map<string, number>();
  for (const l of layers) used.set(l.setId, (used.get(l.setId) ?? 0) + l.writableBytes);
  const sets = await db().set.findMany({
    where: { id: { in: [...used.keys()] }, hostId, deletedAt: null, desiredRunning: true, state: { not: "Deleting" } },
    select: { id: true, teamId: true, diskGiB: true },
  });
  const stopped: string[] = [];
  for (const s of sets) {
    const bytes = used.get(s.id) ?? 0;
    const share = writableShareBytes(s.diskGiB);
    if (bytes <= share) continue;
    const reason = `stopped: its containers' writable layers hold ${gib(bytes)}, over its share of ${gib(share)} (BERTH_ENFORCE_ROOTFS); keep data on the volume, then start it again`;
    await db().$transaction(async (tx) => {
      await tx.set.update({ where: { id: s.id }, data: { desiredRunning: false } });
      await recordAudit(tx, { userId: null, label: "berth (disk share)", ip: null }, {
        teamId: s.teamId,
        action: "set.stop_disk_share",
        targetType: "set",
        targetId: s.id,
        details: { writableBytes: bytes, shareBytes: share },
      });
    });
    await dispatchAction(s.id, "stop").catch((err: unknown) => console.error(`[disk] set ${s.id} over its disk share not stopped`, err));
    await db().set.update({ where: { id: s.id }, data: { reason } });
    stopped.push(s.id);
  }
  return stopped;
}

import { recordAudit, type TActor } from "../audit";
import type { TTx } from "../db";
import type { App } from "../generated/prisma/client";
import type { TAppContainer } from "../protocol/apps";
import { reserveQuota } from "../quota/reserve";
import { containerRows } from "./create";

/**
 * Scale out reserves quota for the new sets in the transaction that writes them; scale in marks
 * the newest sets for removal first. Runs inside the PATCH transaction (lib/apps/patch.ts); returns
 * the sets to remove once it commits.
 */
export async function scaleInTx(
  tx: TTx,
  actor: TActor,
  app: App,
  replicas: number,
  pins: ReadonlyMap<string, string | null>,
  /** Why, when it is not a person's request (the autoscaler's decision); kept in the audit details. */
  reason?: string,
): Promise<Array<{ id: string; hostId: string | null }>> {
  const live = await tx.set.findMany({
    where: { appId: app.id, deletedAt: null, state: { not: "Deleting" } },
    orderBy: [{ createdAt: "desc" }, { ordinal: "desc" }],
  });
  const delta = replicas - live.length;
  let toRemove: Array<{ id: string; hostId: string | null }> = [];
  if (delta > 0) {
    await reserveQuota(tx, app.teamId, { cpuMillis: app.cpuMillis * delta, memoryMiB: app.memoryMiB * delta, diskGiB: app.diskGiB * delta, sets: delta });
    const top = await tx.set.aggregate({ where: { appId: app.id }, _max: { ordinal: true } });
    const containers = app.containers as TAppContainer[];
    for (let i = 0; i < delta; i++) {
      await tx.set.create({
        data: {
          appId: app.id,
          teamId: app.teamId,
          ordinal: (top._max.ordinal ?? -1) + 1 + i,
          cpuMillis: app.cpuMillis,
          memoryMiB: app.memoryMiB,
          diskGiB: app.diskGiB,
          specVersion: app.specVersion,
          reason: "waiting for a host",
          containers: {
            create: containerRows(containers, pins),
          },
        },
      });
    }
  } else if (delta < 0) {
    toRemove = live.slice(0, -delta).map((s) => ({ id: s.id, hostId: s.hostId }));
    await tx.set.updateMany({ where: { id: { in: toRemove.map((s) => s.id) } }, data: { state: "Deleting", reason: "scaled in" } });
  }
  await tx.app.update({ where: { id: app.id }, data: { replicas } });
  await recordAudit(tx, actor, {
    teamId: app.teamId,
    action: "app.scale",
    targetType: "app",
    targetId: app.id,
    details: { name: app.name, from: live.length, to: replicas, ...(reason ? { reason } : {}) },
  });
  return toRemove;
}

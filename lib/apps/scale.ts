import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { notFound } from "../errors";
import type { TAppContainer, TAppView } from "../protocol/apps";
import { reserveQuota } from "../quota/reserve";
import { scheduleThenDispatchInBackground } from "../scheduler/assign";
import { containerRows } from "./create";
import { removeSet } from "./delete";
import { getApp } from "./view";

/**
 * Scale out reserves quota for the new sets in the transaction that writes them; scale in
 * removes the newest sets first.
 */
export async function scaleApp(p: TPrincipal, teamSlug: string, name: string, replicas: number): Promise<TAppView> {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const removed = await db().$transaction(async (tx) => {
    const app = await tx.app.findFirst({ where: { teamId: team.id, name, deletedAt: null } });
    if (!app) throw notFound("App");
    // Serialises scaling of one app: two concurrent scale requests must not both add sets.
    await tx.$queryRaw`SELECT id FROM "App" WHERE id = ${app.id} FOR UPDATE`;
    const live = await tx.set.findMany({
      where: { appId: app.id, deletedAt: null, state: { not: "Deleting" } },
      orderBy: [{ createdAt: "desc" }, { ordinal: "desc" }],
    });
    const delta = replicas - live.length;
    let toRemove: Array<{ id: string; hostId: string | null }> = [];
    if (delta > 0) {
      await reserveQuota(tx, team.id, { cpuMillis: app.cpuMillis * delta, memoryMiB: app.memoryMiB * delta, diskGiB: app.diskGiB * delta, sets: delta });
      const top = await tx.set.aggregate({ where: { appId: app.id }, _max: { ordinal: true } });
      const containers = app.containers as TAppContainer[];
      for (let i = 0; i < delta; i++) {
        await tx.set.create({
          data: {
            appId: app.id,
            teamId: team.id,
            ordinal: (top._max.ordinal ?? -1) + 1 + i,
            cpuMillis: app.cpuMillis,
            memoryMiB: app.memoryMiB,
            diskGiB: app.diskGiB,
            specVersion: app.specVersion,
            reason: "waiting for a host",
            containers: {
              create: containerRows(containers),
            },
          },
        });
      }
    } else if (delta < 0) {
      toRemove = live.slice(0, -delta).map((s) => ({ id: s.id, hostId: s.hostId }));
      await tx.set.updateMany({ where: { id: { in: toRemove.map((s) => s.id) } }, data: { state: "Deleting", reason: "scaled in" } });
    }
    await tx.app.update({ where: { id: app.id }, data: { replicas } });
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: "app.scale",
      targetType: "app",
      targetId: app.id,
      details: { name, from: live.length, to: replicas },
    });
    return toRemove;
  });
  await scheduleThenDispatchInBackground();
  await Promise.all(removed.map((s) => removeSet(s.id, s.hostId)));
  return getApp(p, teamSlug, name);
}

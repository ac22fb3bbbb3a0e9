import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import type { TAppView, TSize } from "../protocol/apps";
import { reserveQuota } from "../quota/reserve";
import { dispatchApply } from "../sets/dispatch";
import { getApp } from "./view";

/**
 * Online resize: quota is checked for the difference over every live set, the new size is written
 * on the app and its sets, then each set is applied again; the agent changes CPU and memory of
 * running containers in place (`docker update`, same StartedAt) and the set's parent cgroup.
 * Docker keeps updated limits across container restarts; a recreated container is built from the
 * database, which already holds the new size.
 */
export async function resizeApp(p: TPrincipal, teamSlug: string, name: string, size: TSize): Promise<TAppView> {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const cpuMillis = Math.round(size.cpu * 1000);
  const setIds = await db().$transaction(async (tx) => {
    const app = await tx.app.findFirst({ where: { teamId: team.id, name, deletedAt: null } });
    if (!app) throw notFound("App");
    await tx.$queryRaw`SELECT id FROM "App" WHERE id = ${app.id} FOR UPDATE`;
    if (size.diskGiB < app.diskGiB) {
      throw new AppError("VALIDATION", `Volumes grow but never shrink: ${app.diskGiB} GiB now, ${size.diskGiB} GiB asked`, {
        issues: [{ path: "size.diskGiB", message: "cannot shrink" }],
      });
    }
    const live = await tx.set.findMany({ where: { appId: app.id, deletedAt: null, state: { not: "Deleting" } }, select: { id: true, hostId: true } });
    const n = live.length;
    await reserveQuota(tx, team.id, {
      cpuMillis: (cpuMillis - app.cpuMillis) * n,
      memoryMiB: (size.memoryMiB - app.memoryMiB) * n,
      diskGiB: (size.diskGiB - app.diskGiB) * n,
      sets: 0,
    });
    await tx.app.update({ where: { id: app.id }, data: { cpuMillis, memoryMiB: size.memoryMiB, diskGiB: size.diskGiB } });
    await tx.set.updateMany({ where: { id: { in: live.map((s) => s.id) } }, data: { cpuMillis, memoryMiB: size.memoryMiB, diskGiB: size.diskGiB } });
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: "app.resize",
      targetType: "app",
      targetId: app.id,
      details: {
        name,
        from: { cpu: app.cpuMillis / 1000, memoryMiB: app.memoryMiB, diskGiB: app.diskGiB },
        to: { cpu: size.cpu, memoryMiB: size.memoryMiB, diskGiB: size.diskGiB },
        sets: n,
      },
    });
    return live.filter((s) => s.hostId).map((s) => s.id);
  });
  await Promise.all(setIds.map((id) => dispatchApply(id)));
  return getApp(p, teamSlug, name);
}

import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { notFound } from "../errors";
import { dispatchAction } from "../sets/dispatch";

/**
 * Marks the app and its sets deleted-in-progress, then removes each set from its host. A set whose
 * host is unreachable stays `Deleting` and is removed by the reconciler when the agent returns.
 */
export async function deleteApp(p: TPrincipal, teamSlug: string, name: string): Promise<{ sets: number }> {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const app = await db().app.findFirst({ where: { teamId: team.id, name, deletedAt: null }, include: { sets: { where: { deletedAt: null } } } });
  if (!app) throw notFound("App");
  await db().$transaction(async (tx) => {
    // Frees the name at once: the row lives on (renamed) until its sets are gone.
    await tx.app.update({ where: { id: app.id }, data: { deletedAt: new Date(), name: `${app.name}~deleted~${app.id}` } });
    await tx.set.updateMany({ where: { appId: app.id, deletedAt: null }, data: { state: "Deleting", reason: "app deleted" } });
    await recordAudit(tx, actorOf(p), { teamId: team.id, action: "app.delete", targetType: "app", targetId: app.id, details: { name: app.name, sets: app.sets.length } });
  });
  await Promise.all(app.sets.map((s) => removeSet(s.id, s.hostId)));
  return { sets: app.sets.length };
}

export async function removeSet(setId: string, hostId: string | null): Promise<void> {
  if (!hostId) {
    await db().set.update({ where: { id: setId }, data: { deletedAt: new Date() } });
    return;
  }
  try {
    await dispatchAction(setId, "remove");
  } catch (err) {
    await db().set.update({ where: { id: setId }, data: { reason: `removal pending: ${(err as Error).message}` } });
  }
}

import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf } from "../audit";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import type { TAppContainer, TAppPatch, TAppView } from "../protocol/apps";
import { scheduleThenDispatchInBackground } from "../scheduler/assign";
import { dispatchApply } from "../sets/dispatch";
import { removeSet } from "./delete";
import { resizeInTx } from "./resize";
import { scaleInTx } from "./scale";
import { pinImages } from "../registry/resolve";
import { getApp } from "./view";

/**
 * PATCH of an app: resize (size and/or container shares) and scale in one transaction, so a
 * request whose second half is refused (quota) changes nothing at all. Hosts hear about it after
 * the commit: resized sets are applied again, new sets placed, scaled-in sets removed.
 */
export async function patchApp(p: TPrincipal, teamSlug: string, name: string, patch: TAppPatch): Promise<TAppView> {
  if (patch.replicas === undefined && patch.size === undefined && patch.containers === undefined) {
    throw new AppError("VALIDATION", "Nothing to change: give replicas, size or containers");
  }
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const actor = actorOf(p);
  // New sets run what their tags point at now (resolved outside the transaction: it asks the registry).
  let pins: ReadonlyMap<string, string | null> = new Map();
  if (patch.replicas !== undefined) {
    const current = await db().app.findFirst({ where: { teamId: team.id, name, deletedAt: null }, select: { containers: true } });
    if (!current) throw notFound("App");
    pins = await pinImages(team.slug, (current.containers as TAppContainer[]).map((c, i) => ({ path: `containers.${i}.image`, image: c.image })));
  }
  const { resized, removed } = await db().$transaction(async (tx) => {
    const found = await tx.app.findFirst({ where: { teamId: team.id, name, deletedAt: null }, select: { id: true } });
    if (!found) throw notFound("App");
    // Serialises changes to one app: two concurrent scale requests must not both add sets.
    await tx.$queryRaw`SELECT id FROM "App" WHERE id = ${found.id} FOR UPDATE`;
    let app = await tx.app.findUniqueOrThrow({ where: { id: found.id } });
    const resized = patch.size || patch.containers ? await resizeInTx(tx, actor, app, { size: patch.size, containers: patch.containers }) : [];
    // Sets added by the scale below take the new size.
    if (patch.size || patch.containers) app = await tx.app.findUniqueOrThrow({ where: { id: found.id } });
    const removed = patch.replicas !== undefined ? await scaleInTx(tx, actor, app, patch.replicas, pins) : [];
    return { resized, removed };
  });
  const leaving = new Set(removed.map((s) => s.id));
  await Promise.all(resized.filter((id) => !leaving.has(id)).map((id) => dispatchApply(id)));
  if (patch.replicas !== undefined) await afterScale(removed);
  return getApp(p, teamSlug, name);
}

/** After a scale commits: new sets are placed, scaled-in sets removed on their hosts. */
export async function afterScale(removed: Array<{ id: string; hostId: string | null }>): Promise<void> {
  await scheduleThenDispatchInBackground();
  await Promise.all(removed.map((s) => removeSet(s.id, s.hostId)));
}

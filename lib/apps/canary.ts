import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit, type TActor } from "../audit";
import { db } from "../db";
import { AppError, conflict, notFound } from "../errors";
import type { TAppContainer, TAppView, TCanary, TCanaryStart } from "../protocol/apps";
import { dispatchApply } from "../sets/dispatch";
import { pinImages } from "../registry/resolve";
import { getApp } from "./view";

/**
 * Canary inside a set: one business container's image is replaced in chosen sets. The infra
 * container is untouched, so each set keeps its IP, its volume and its other containers, which
 * keep running (the agent replaces only containers whose image/env/command changed).
 */

async function loadApp(teamId: string, name: string) {
  const app = await db().app.findFirst({ where: { teamId, name, deletedAt: null } });
  if (!app) throw notFound("App");
  return app;
}

/** Points `container` of the given sets at `image` and applies them one at a time. */
async function rollImage(setIds: string[], container: string, image: string, digestOf: (setId: string) => string | null, waitEach: boolean): Promise<string[]> {
  const failures: string[] = [];
  for (const setId of setIds) {
    await db().container.updateMany({ where: { setId, name: container }, data: { image, imageDigest: digestOf(setId) } });
    await dispatchApply(setId);
    if (waitEach) {
      const s = await db().set.findUnique({ where: { id: setId }, select: { state: true, reason: true } });
      if (s?.state !== "Running") failures.push(`${setId}: ${s?.state ?? "gone"}${s?.reason ? ` (${s.reason})` : ""}`);
    }
  }
  return failures;
}

export async function startCanary(p: TPrincipal, teamSlug: string, name: string, input: TCanaryStart): Promise<TAppView> {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const app = await loadApp(team.id, name);
  if (app.canary) throw conflict("A canary is already running for this app; promote or roll it back first");
  const spec = (app.containers as TAppContainer[]).find((c) => c.name === input.container);
  if (!spec) {
    throw new AppError("VALIDATION", `The app has no container named ${input.container}`, { issues: [{ path: "container", message: "unknown container" }] });
  }
  if (spec.image === input.image) {
    throw new AppError("VALIDATION", `${input.container} already runs ${input.image}`, { issues: [{ path: "image", message: "same image" }] });
  }
  const live = await db().set.findMany({
    where: { appId: app.id, deletedAt: null, state: { not: "Deleting" }, hostId: { not: null } },
    orderBy: { ordinal: "asc" },
    select: { id: true },
  });
  let chosen: string[];
  if (typeof input.sets === "number") {
    if (input.sets >= live.length) {
      throw new AppError("VALIDATION", `A canary covers fewer sets than the app has (${live.length}); use promote to update all`, {
        issues: [{ path: "sets", message: `at most ${Math.max(0, live.length - 1)}` }],
      });
    }
    chosen = live.slice(0, input.sets).map((s) => s.id);
  } else {
    const known = new Set(live.map((s) => s.id));
    const unknown = input.sets.filter((id) => !known.has(id));
    if (unknown.length) throw new AppError("VALIDATION", `Not sets of this app: ${unknown.join(", ")}`, { issues: [{ path: "sets", message: "unknown set" }] });
    chosen = [...new Set(input.sets)];
  }
  const pins = await pinImages(team.slug, [{ path: "image", image: input.image }]);
  const digest = pins.get(input.image) ?? null;
  // Sets of one tag can run different digests (a scale-out after a push): rollback restores each set's own.
  const previous = await db().container.findMany({ where: { setId: { in: chosen }, name: input.container }, select: { setId: true, imageDigest: true } });
  const canary: TCanary = {
    container: input.container,
    image: input.image,
    previousImage: spec.image,
    digest,
    previousDigests: Object.fromEntries(previous.map((c) => [c.setId, c.imageDigest])),
    setIds: chosen,
    startedAt: new Date().toISOString(),
  };
  // The canary row is claimed with a conditional update so two canaries cannot start at once.
  const claimed = await db().$transaction(async (tx) => {
    const r = await tx.$executeRaw`UPDATE "App" SET "canary" = ${JSON.stringify(canary)}::jsonb, "updatedAt" = now() WHERE id = ${app.id} AND "canary" IS NULL`;
    if (r !== 1) return false;
    await recordAudit(tx, actorOf(p), { teamId: team.id, action: "app.canary.start", targetType: "app", targetId: app.id, details: { name, ...canary } });
    return true;
  });
  if (!claimed) throw conflict("A canary is already running for this app; promote or roll it back first");
  await rollImage(chosen, input.container, input.image, () => digest, false);
  return getApp(p, teamSlug, name);
}

/** Rolls the canary image to every other set, one at a time, each waited until it runs. */
export async function promoteCanary(p: TPrincipal, teamSlug: string, name: string): Promise<TAppView> {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const app = await loadApp(team.id, name);
  const canary = app.canary as TCanary | null;
  if (!canary) throw conflict("No canary is running for this app");
  const rest = await db().set.findMany({
    where: { appId: app.id, deletedAt: null, state: { not: "Deleting" }, id: { notIn: canary.setIds } },
    orderBy: { ordinal: "asc" },
    select: { id: true, hostId: true },
  });
  const placed = rest.filter((s) => s.hostId).map((s) => s.id);
  // Sets not placed yet get the new image in their rows and start with it when placed.
  // Every set gets the digest the canary sets were tested with, even if the tag moved since.
  const digest = canary.digest ?? null;
  await db().container.updateMany({ where: { setId: { in: rest.map((s) => s.id) }, name: canary.container }, data: { image: canary.image, imageDigest: digest } });
  const failures = await rollImage(placed, canary.container, canary.image, () => digest, true);
  const containers = (app.containers as TAppContainer[]).map((c) => (c.name === canary.container ? { ...c, image: canary.image } : c));
  await db().$transaction(async (tx) => {
    await tx.app.update({ where: { id: app.id }, data: { containers } });
    await tx.$executeRaw`UPDATE "App" SET "canary" = NULL WHERE id = ${app.id}`;
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: "app.canary.promote",
      targetType: "app",
      targetId: app.id,
      details: { name, image: canary.image, sets: placed.length, failures },
    });
  });
  // The promotion stands even when a set is not running yet (its host may be down): the answer is
  // the app, whose sets show which still catch up, not an error for a change that was made.
  return getApp(p, teamSlug, name);
}

export async function rollbackCanary(p: TPrincipal, teamSlug: string, name: string): Promise<TAppView> {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const app = await loadApp(team.id, name);
  await rollbackApp(app.id, actorOf(p), "requested");
  return getApp(p, teamSlug, name);
}

/** Restores the previous image in the canary's sets. Also called by the reconciler by itself. */
export async function rollbackApp(appId: string, actor: TActor, why: string): Promise<boolean> {
  const app = await db().app.findUnique({ where: { id: appId } });
  const canary = app?.canary as TCanary | null | undefined;
  if (!app || !canary) {
    if (why === "requested") throw conflict("No canary is running for this app");
    return false;
  }
  const previousDigestOf = (setId: string) => canary.previousDigests?.[setId] ?? null;
  const cleared = await db().$transaction(async (tx) => {
    const r = await tx.$executeRaw`UPDATE "App" SET "canary" = NULL, "updatedAt" = now() WHERE id = ${appId} AND "canary" IS NOT NULL`;
    if (r !== 1) return false;
    // The rows say the old image from the moment the canary is gone, before the hosts catch up.
    for (const setId of canary.setIds) {
      await tx.container.updateMany({ where: { setId, name: canary.container }, data: { image: canary.previousImage, imageDigest: previousDigestOf(setId) } });
    }
    await recordAudit(tx, actor, {
      teamId: app.teamId,
      action: "app.canary.rollback",
      targetType: "app",
      targetId: appId,
      details: { name: app.name, image: canary.image, restored: canary.previousImage, why },
    });
    return true;
  });
  if (!cleared) return false;
  const live = await db().set.findMany({ where: { id: { in: canary.setIds }, deletedAt: null }, select: { id: true } });
  await rollImage(live.map((s) => s.id), canary.container, canary.previousImage, previousDigestOf, false);
  return true;
}

import type { TActor } from "../audit";
import { db } from "../db";
import { AppError } from "../errors";
import { afterScale } from "../apps/patch";
import { scaleInTx } from "../apps/scale";
import type { TAppContainer } from "../protocol/apps";
import type { TAutoscaleNeed } from "../protocol/autoscale";
import { pinImages } from "../registry/resolve";

/** Who the audit log names for the autoscaler's scales. */
export const AUTOSCALER: TActor = { userId: null, label: "autoscaler", ip: null };

export interface TScaleTarget {
  appId: string;
  teamSlug: string;
  containers: TAppContainer[];
}

/**
 * Scales through the same transaction as PATCH …/apps/{app} (quota reserved with the sets, one
 * audited `app.scale` carrying `reason`) and records the decision on the policy in it. Throws what
 * scaleInTx throws (QUOTA_EXCEEDED); a policy switched off meanwhile makes it do nothing.
 */
export async function scaleForPolicy(target: TScaleTarget, to: number, reason: string): Promise<boolean> {
  // New sets run what their tags point at now (resolved outside the transaction: it asks the registry).
  const pins = to > 0 ? await pinImages(target.teamSlug, target.containers.map((c, i) => ({ path: `containers.${i}.image`, image: c.image }))) : new Map<string, string | null>();
  const removed = await db().$transaction(async (tx) => {
    // Serialises with a person's scale of the same app (patchApp takes the same lock).
    await tx.$queryRaw`SELECT id FROM "App" WHERE id = ${target.appId} AND "deletedAt" IS NULL FOR UPDATE`;
    const app = await tx.app.findUnique({ where: { id: target.appId } });
    const policy = await tx.autoscalePolicy.findUnique({ where: { appId: target.appId }, select: { appId: true } });
    if (!app || app.deletedAt || !policy) return null;
    const gone = await scaleInTx(tx, AUTOSCALER, app, to, pins, reason);
    await tx.autoscalePolicy.update({
      where: { appId: app.id },
      // The blocked state is the loop's to keep (a partial scale-out stays blocked).
      data: { lastScaleAt: new Date(), lastDecision: reason },
    });
    return gone;
  });
  if (removed === null) return false;
  await afterScale(removed);
  return true;
}

interface TQuotaDetails {
  limits: { cpu: number; memoryMiB: number; diskGiB: number; sets: number };
  used: { cpu: number; memoryMiB: number; diskGiB: number; sets: number };
}

/** A QUOTA_EXCEEDED error's limits and usage, or null when it is another error. */
export function quotaDetails(err: unknown): TQuotaDetails | null {
  if (!(err instanceof AppError) || err.code !== "QUOTA_EXCEEDED") return null;
  const d = err.details as Partial<TQuotaDetails> | undefined;
  return d?.limits && d.used ? (d as TQuotaDetails) : null;
}

/** How many more sets of this size the quota leaves room for. */
export function setsThatFit(q: TQuotaDetails, size: { cpuMillis: number; memoryMiB: number; diskGiB: number }): number {
  const room = (limit: number, used: number, one: number) => (one <= 0 ? Infinity : Math.floor((limit - used + 1e-9) / one));
  return Math.max(0, Math.min(q.limits.sets - q.used.sets, room(q.limits.cpu * 1000, q.used.cpu * 1000, size.cpuMillis), room(q.limits.memoryMiB, q.used.memoryMiB, size.memoryMiB), room(q.limits.diskGiB, q.used.diskGiB, size.diskGiB)));
}

/** What `more` sets need beyond the quota's free room, per resource (0 where it has room). */
export function needBeyondQuota(q: TQuotaDetails, more: number, size: { cpuMillis: number; memoryMiB: number; diskGiB: number }): TAutoscaleNeed {
  const over = (limit: number, used: number, want: number) => Math.max(0, Math.round(used + want - limit));
  return {
    sets: over(q.limits.sets, q.used.sets, more),
    cpuMillis: over(q.limits.cpu * 1000, q.used.cpu * 1000, more * size.cpuMillis),
    memoryMiB: over(q.limits.memoryMiB, q.used.memoryMiB, more * size.memoryMiB),
    diskGiB: over(q.limits.diskGiB, q.used.diskGiB, more * size.diskGiB),
  };
}

/** "needs 4 more cores, 512 MiB more memory": the blocked need in words. */
export function needText(n: TAutoscaleNeed): string {
  const parts: string[] = [];
  if (n.cpuMillis > 0) parts.push(`${Number((n.cpuMillis / 1000).toFixed(3))} more ${n.cpuMillis === 1000 ? "core" : "cores"}`);
  if (n.memoryMiB > 0) parts.push(`${n.memoryMiB} MiB more memory`);
  if (n.diskGiB > 0) parts.push(`${n.diskGiB} GiB more disk`);
  if (n.sets > 0) parts.push(`${n.sets} more ${n.sets === 1 ? "set" : "sets"}`);
  return parts.length ? `needs ${parts.join(", ")}` : "needs more room";
}

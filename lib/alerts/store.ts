import { db } from "../db";
import type { Alert, Prisma } from "../generated/prisma/client";
import type { TAlert, TAlertObjectKind, TAlertRule, TAlertSeverity } from "../protocol/alerts";
import { broadcastToAdmins, broadcastToTeam } from "../realtime/broadcast";
import { enqueueAlertDeliveries } from "./webhooks/deliver";

/** What a rule finds: one condition on one object, now. */
export interface TAlertCandidate {
  rule: TAlertRule;
  severity: TAlertSeverity;
  teamId: string | null;
  object: { kind: TAlertObjectKind; id: string; name: string };
  message: string;
  details?: Prisma.InputJsonObject;
  appId?: string | null;
  setId?: string | null;
  hostId?: string | null;
}

export function alertView(a: Alert): TAlert {
  return {
    id: a.id,
    rule: a.rule as TAlertRule,
    severity: a.severity,
    state: a.state,
    object: { kind: a.objectKind as TAlertObjectKind, id: a.objectId, name: a.objectName },
    message: a.message,
    firstSeenAt: a.firstSeenAt.toISOString(),
    lastSeenAt: a.lastSeenAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}

function keyOf(rule: string, kind: string, id: string): string {
  return `${rule}\u0000${kind}\u0000${id}`;
}

/** Tells the console's viewers and the webhooks that an alert fired or resolved. */
async function announce(a: Alert): Promise<void> {
  const payload = { id: a.id, teamId: a.teamId, rule: a.rule, state: a.state };
  if (a.teamId) broadcastToTeam(a.teamId, "alert:changed", payload);
  else broadcastToAdmins("alert:changed", payload);
  await enqueueAlertDeliveries(a);
  console.log(`[alerts] ${a.state} ${a.rule} ${a.objectKind} ${a.objectName}: ${a.message}`);
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

/**
 * Fires `c`, or refreshes the one firing alert of its rule and object. Safe from any replica at
 * once: the partial unique index lets one insert win and the others update it.
 */
export async function raiseAlert(c: TAlertCandidate): Promise<Alert> {
  const where = { rule: c.rule, objectKind: c.object.kind, objectId: c.object.id, state: "firing" as const };
  const refresh = { message: c.message, severity: c.severity, objectName: c.object.name, lastSeenAt: new Date(), ...(c.details ? { details: c.details } : {}) };
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await db().alert.findFirst({ where });
    if (existing) return db().alert.update({ where: { id: existing.id }, data: refresh });
    try {
      const created = await db().alert.create({
        data: {
          rule: c.rule,
          severity: c.severity,
          teamId: c.teamId,
          objectKind: c.object.kind,
          objectId: c.object.id,
          objectName: c.object.name,
          message: c.message,
          details: c.details ?? {},
          appId: c.appId ?? null,
          setId: c.setId ?? null,
          hostId: c.hostId ?? null,
        },
      });
      await announce(created);
      return created;
    } catch (err) {
      // Another replica raised it in between: refresh theirs.
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new Error(`alert ${c.rule} on ${c.object.kind} ${c.object.id} could be neither created nor found`);
}

/** Resolves one firing alert; false when it was resolved already (by another sweep or replica). */
export async function resolveAlert(id: string): Promise<boolean> {
  const flipped = await db().alert.updateMany({ where: { id, state: "firing" }, data: { state: "resolved", resolvedAt: new Date() } });
  if (flipped.count === 0) return false;
  await announce(await db().alert.findUniqueOrThrow({ where: { id } }));
  return true;
}

/**
 * One rule's sweep: what it finds now fires (or stays firing), what fired before and is no longer
 * found resolves. Only the alerts whose message changed are rewritten one by one. The firing list
 * is read before the rule looks: an alert an event raises in between is not resolved as unseen.
 */
export async function syncRule(rule: TAlertRule, find: () => Promise<TAlertCandidate[]>): Promise<{ fired: number; resolved: number }> {
  const firing = await db().alert.findMany({ where: { rule, state: "firing" } });
  const found = await find();
  const byKey = new Map(firing.map((a) => [keyOf(a.rule, a.objectKind, a.objectId), a]));
  const still: string[] = [];
  let fired = 0;
  for (const c of found) {
    const key = keyOf(c.rule, c.object.kind, c.object.id);
    const existing = byKey.get(key);
    byKey.delete(key);
    if (!existing) {
      await raiseAlert(c);
      fired++;
    } else if (existing.message !== c.message || existing.severity !== c.severity || existing.objectName !== c.object.name) {
      await raiseAlert(c);
    } else {
      still.push(existing.id);
    }
  }
  if (still.length) await db().alert.updateMany({ where: { id: { in: still }, state: "firing" }, data: { lastSeenAt: new Date() } });
  let resolved = 0;
  for (const gone of byKey.values()) if (await resolveAlert(gone.id)) resolved++;
  return { fired, resolved };
}

import type { Prisma } from "./generated/prisma/client";
import type { TPrincipal } from "./auth/principal";
import { requireTeam } from "./auth/authorize";
import { db, type TTx } from "./db";
import type { TAuditEvent } from "./protocol/api";
import { setName } from "./sets/spec";

export interface TAuditEntry {
  teamId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Prisma.InputJsonObject;
}

export interface TActor {
  userId: string | null;
  label: string;
  ip: string | null;
}

export function actorOf(p: TPrincipal): TActor {
  return { userId: p.userId, label: p.via === "token" ? `${p.email} (token)` : p.email, ip: p.ip };
}

/** Written in the caller's transaction, so an audit row exists exactly when the change does. */
export async function recordAudit(tx: TTx, actor: TActor, entry: TAuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: actor.userId,
      actorLabel: actor.label,
      teamId: entry.teamId ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details: entry.details ?? {},
      ip: actor.ip,
    },
  });
}

/** Target types whose id is a set's (terminal sessions recorded theirs as "container" before they said "set"). */
const SET_TARGETS = new Set(["set", "container"]);

/** Sets' `<app>-<n>` names by id, deleted ones included: an old event still names what it touched. */
async function setNames(ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const sets = await db().set.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, ordinal: true, app: { select: { name: true } } } });
  // A deleted app's row keeps its name with `~deleted~<id>` appended (lib/apps/delete.ts): name it as it was.
  return new Map(sets.map((s) => [s.id, setName(s.app.name.split("~deleted~")[0], s.ordinal)]));
}

/** A name the event itself recorded (a set's, when its row was removed since). */
function recordedName(details: unknown): string | null {
  const d = (details ?? {}) as Record<string, unknown>;
  return typeof d.set === "string" && d.set ? d.set : null;
}

export async function listAudit(
  p: TPrincipal,
  q: { team?: string; limit: number; before?: string; beforeId?: string; action?: string; actor?: string; from?: string; to?: string },
): Promise<TAuditEvent[]> {
  let where: Prisma.AuditEventWhereInput;
  if (q.team) {
    const { team } = await requireTeam(p, q.team, "VIEWER");
    where = { teamId: team.id };
  } else if (p.isAdmin) {
    where = {};
  } else {
    // Without a team filter a member sees their own teams' events and their own actions.
    const memberships = await db().membership.findMany({ where: { userId: p.userId }, select: { teamId: true } });
    where = { OR: [{ teamId: { in: memberships.map((m) => m.teamId) } }, { actorId: p.userId }] };
  }
  if (q.before) {
    // A (time, id) cursor: several events can share a millisecond, and a page may end among them.
    const at = new Date(q.before);
    const older: Prisma.AuditEventWhereInput = q.beforeId ? { OR: [{ at: { lt: at } }, { at, id: { lt: q.beforeId } }] } : { at: { lt: at } };
    where = { AND: [where, older] };
  }
  const narrow: Prisma.AuditEventWhereInput[] = [];
  if (q.action) narrow.push({ action: { startsWith: q.action } });
  if (q.actor) narrow.push({ actorLabel: { contains: q.actor, mode: "insensitive" } });
  if (q.from) narrow.push({ at: { gte: new Date(q.from) } });
  if (q.to) narrow.push({ at: { lt: new Date(q.to) } });
  if (narrow.length) where = { AND: [where, ...narrow] };
  const rows = await db().auditEvent.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: q.limit,
    include: { team: { select: { slug: true } } },
  });
  const names = await setNames(rows.filter((r) => SET_TARGETS.has(r.targetType) && r.targetId).map((r) => r.targetId!));
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actorLabel,
    team: r.team?.slug ?? null,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    targetName: (r.targetId && SET_TARGETS.has(r.targetType) ? names.get(r.targetId) : undefined) ?? recordedName(r.details),
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
}


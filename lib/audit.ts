import type { Prisma } from "./generated/prisma/client";
import type { TPrincipal } from "./auth/principal";
import { requireTeam } from "./auth/authorize";
import { db, type TTx } from "./db";
import type { TAuditEvent } from "./protocol/api";

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

export async function listAudit(
  p: TPrincipal,
  q: { team?: string; limit: number; before?: string; beforeId?: string },
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
  const rows = await db().auditEvent.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: q.limit,
    include: { team: { select: { slug: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actorLabel,
    team: r.team?.slug ?? null,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
}


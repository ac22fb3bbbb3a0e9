import { requireAdmin, requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { AppError, conflict, notFound } from "../errors";
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import type { TQuotaLimits, TQuotaRequest, TQuotaRequestCreate } from "../protocol/api";

const INCLUDE = {
  team: { select: { slug: true, quota: true } },
  requester: { select: { email: true } },
  decidedBy: { select: { email: true } },
} satisfies Prisma.QuotaRequestInclude;

const ZStoredLimits = z.object({ cpuMillis: z.number(), memoryMiB: z.number(), diskGiB: z.number(), sets: z.number() });

function limitsView(stored: Prisma.JsonValue | null): TQuotaLimits | null {
  const parsed = ZStoredLimits.safeParse(stored);
  return parsed.success ? { cpu: parsed.data.cpuMillis / 1000, memoryMiB: parsed.data.memoryMiB, diskGiB: parsed.data.diskGiB, sets: parsed.data.sets } : null;
}

function toView(r: Prisma.QuotaRequestGetPayload<{ include: typeof INCLUDE }>): TQuotaRequest {
  const q = r.team.quota;
  return {
    id: r.id,
    team: r.team.slug,
    requester: r.requester.email,
    requested: { cpu: r.cpuMillis / 1000, memoryMiB: r.memoryMiB, diskGiB: r.diskGiB, sets: r.sets },
    current: q ? { cpu: q.cpuMillis / 1000, memoryMiB: q.memoryMiB, diskGiB: q.diskGiB, sets: q.sets } : null,
    limitsBefore: limitsView(r.limitsBefore),
    reason: r.reason,
    status: r.status,
    decidedBy: r.decidedBy?.email ?? null,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
  };
}

/** A member asks for new limits (the whole new set of limits, not a delta). */
export async function createQuotaRequest(p: TPrincipal, teamSlug: string, input: TQuotaRequestCreate): Promise<TQuotaRequest> {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const row = await db().$transaction(async (tx) => {
    const created = await tx.quotaRequest.create({
      data: {
        teamId: team.id,
        requesterId: p.userId,
        cpuMillis: Math.round(input.cpu * 1000),
        memoryMiB: input.memoryMiB,
        diskGiB: input.diskGiB,
        sets: input.sets,
        reason: input.reason,
      },
      include: INCLUDE,
    });
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: "quota.request",
      targetType: "quota_request",
      targetId: created.id,
      details: { cpu: input.cpu, memoryMiB: input.memoryMiB, diskGiB: input.diskGiB, sets: input.sets, reason: input.reason },
    });
    return created;
  });
  return toView(row);
}

/** Admins see every request; others see their teams' requests. */
export async function listQuotaRequests(p: TPrincipal, status?: "PENDING" | "APPROVED" | "REJECTED"): Promise<TQuotaRequest[]> {
  const where: Prisma.QuotaRequestWhereInput = { ...(status ? { status } : {}) };
  if (!p.isAdmin) where.team = { memberships: { some: { userId: p.userId } } };
  const rows = await db().quotaRequest.findMany({ where, include: INCLUDE, orderBy: { createdAt: "desc" }, take: 500 });
  return rows.map(toView);
}

/**
 * Decides a pending request exactly once: the status flips in a conditional update, so a second
 * decision (or two admins at once) finds nothing to flip and answers 409. Approval writes the
 * new limits in the same transaction.
 */
export async function decideQuotaRequest(p: TPrincipal, id: string, approve: boolean, note: string): Promise<TQuotaRequest> {
  requireAdmin(p);
  const row = await db().$transaction(async (tx) => {
    const existing = await tx.quotaRequest.findUnique({ where: { id } });
    if (!existing) throw notFound("Quota request");
    // Read in the transaction that overwrites them, so the comparison is with the limits this decision replaced.
    const before = await tx.quota.findUnique({ where: { teamId: existing.teamId }, select: { cpuMillis: true, memoryMiB: true, diskGiB: true, sets: true } });
    const flipped = await tx.quotaRequest.updateMany({
      where: { id, status: "PENDING" },
      data: { status: approve ? "APPROVED" : "REJECTED", decidedById: p.userId, decidedAt: new Date(), note: note || null, limitsBefore: before ?? Prisma.DbNull },
    });
    if (flipped.count !== 1) throw conflict(`This request was already ${existing.status.toLowerCase()}`, { status: existing.status });
    if (approve) {
      const limits = { cpuMillis: existing.cpuMillis, memoryMiB: existing.memoryMiB, diskGiB: existing.diskGiB, sets: existing.sets };
      await tx.quota.upsert({ where: { teamId: existing.teamId }, create: { teamId: existing.teamId, ...limits }, update: limits });
    }
    await recordAudit(tx, actorOf(p), {
      teamId: existing.teamId,
      action: approve ? "quota.approve" : "quota.reject",
      targetType: "quota_request",
      targetId: id,
      details: { note, cpu: existing.cpuMillis / 1000, memoryMiB: existing.memoryMiB, diskGiB: existing.diskGiB, sets: existing.sets },
    });
    return tx.quotaRequest.findUniqueOrThrow({ where: { id }, include: INCLUDE });
  });
  return toView(row);
}

/** A requester's own view of one request; other teams' requests answer 404. */
export async function getQuotaRequest(p: TPrincipal, id: string): Promise<TQuotaRequest> {
  const row = await db().quotaRequest.findUnique({ where: { id }, include: INCLUDE });
  if (!row) throw notFound("Quota request");
  if (!p.isAdmin) {
    try {
      await requireTeam(p, row.team.slug, "VIEWER");
    } catch (err) {
      if (err instanceof AppError && err.code === "NOT_FOUND") throw notFound("Quota request");
      throw err;
    }
  }
  return toView(row);
}

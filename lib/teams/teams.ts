import { requireAdmin, requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db, isUniqueViolation } from "../db";
import { conflict } from "../errors";
import type { TTeam, TTeamCreate, TTeamRole } from "../protocol/api";

/** Teams start with no quota; an admin sets one at creation or approves a request. */
const EMPTY_QUOTA = { cpuMillis: 0, memoryMiB: 0, diskGiB: 0, sets: 0 };

export async function listTeams(p: TPrincipal): Promise<TTeam[]> {
  const teams = await db().team.findMany({
    where: p.isAdmin ? {} : { memberships: { some: { userId: p.userId } } },
    orderBy: { slug: "asc" },
    include: { memberships: { select: { userId: true, role: true } } },
  });
  return teams.map((t) => ({
    id: t.id,
    slug: t.slug,
    name: t.name,
    role: (t.memberships.find((m) => m.userId === p.userId)?.role ?? null) as TTeamRole | null,
    memberCount: t.memberships.length,
    createdAt: t.createdAt.toISOString(),
  }));
}

export async function getTeam(p: TPrincipal, slug: string): Promise<TTeam> {
  const { team, role } = await requireTeam(p, slug);
  const full = await db().team.findUniqueOrThrow({ where: { id: team.id }, include: { _count: { select: { memberships: true } } } });
  return { id: full.id, slug: full.slug, name: full.name, role, memberCount: full._count.memberships, createdAt: full.createdAt.toISOString() };
}

export async function createTeam(p: TPrincipal, input: TTeamCreate): Promise<TTeam> {
  requireAdmin(p);
  const quota = input.quota
    ? { cpuMillis: Math.round(input.quota.cpu * 1000), memoryMiB: input.quota.memoryMiB, diskGiB: input.quota.diskGiB, sets: input.quota.sets }
    : EMPTY_QUOTA;
  try {
    const team = await db().$transaction(async (tx) => {
      const created = await tx.team.create({ data: { slug: input.slug, name: input.name, quota: { create: quota } } });
      await recordAudit(tx, actorOf(p), {
        teamId: created.id,
        action: "team.create",
        targetType: "team",
        targetId: created.id,
        details: { slug: created.slug, name: created.name, quota },
      });
      return created;
    });
    return { id: team.id, slug: team.slug, name: team.name, role: null, memberCount: 0, createdAt: team.createdAt.toISOString() };
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict(`A team with slug "${input.slug}" already exists`, { field: "slug" });
    }
    throw err;
  }
}

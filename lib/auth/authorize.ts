import type { TTeamRole } from "../protocol/api";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import type { TPrincipal } from "./principal";

const RANK: Record<TTeamRole, number> = { VIEWER: 1, MEMBER: 2, OWNER: 3 };

export interface TTeamAccess {
  team: { id: string; slug: string; name: string };
  role: TTeamRole | null;
}

export function requireAdmin(p: TPrincipal): void {
  if (!p.isAdmin) throw new AppError("FORBIDDEN", "Only platform admins can do this");
}

/**
 * Resolves a team by slug for the caller. Non-members get 404, exactly as for a missing team,
 * so team names do not leak. Members below `min` get 403. Admins pass every check.
 */
export async function requireTeam(p: TPrincipal, slug: string, min: TTeamRole = "VIEWER"): Promise<TTeamAccess> {
  const team = await db().team.findUnique({
    where: { slug },
    select: { id: true, slug: true, name: true, memberships: { where: { userId: p.userId }, select: { role: true } } },
  });
  const role = team?.memberships[0]?.role ?? null;
  if (!team || (!role && !p.isAdmin)) throw notFound("Team");
  if (!p.isAdmin && RANK[role as TTeamRole] < RANK[min]) {
    throw new AppError("FORBIDDEN", `This needs the ${min} role in team ${team.slug}`);
  }
  return { team: { id: team.id, slug: team.slug, name: team.name }, role };
}

export function roleAtLeast(role: TTeamRole | null, min: TTeamRole): boolean {
  return role !== null && RANK[role] >= RANK[min];
}

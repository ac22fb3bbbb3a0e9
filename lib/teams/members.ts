import { requireTeam } from "../auth/authorize";
import { hashPassword } from "../auth/password";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db, type TTx } from "../db";
import { AppError, conflict, notFound } from "../errors";
import type { TMember, TMemberAdd, TTeamRole } from "../protocol/api";
import { accessChanged } from "../auth/socket-access";

export async function listMembers(p: TPrincipal, slug: string): Promise<TMember[]> {
  const { team } = await requireTeam(p, slug, "VIEWER");
  const rows = await db().membership.findMany({
    where: { teamId: team.id },
    include: { user: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role as TTeamRole,
    disabled: m.user.disabled,
    createdAt: m.createdAt.toISOString(),
  }));
}

/**
 * Adds an existing user without touching their credentials. Only a platform admin may create the
 * account here with a password; an owner invites instead, so nobody chooses another's password.
 */
export async function addMember(p: TPrincipal, slug: string, input: TMemberAdd): Promise<{ member: TMember; created: boolean }> {
  const { team } = await requireTeam(p, slug, "OWNER");
  if (input.password !== undefined && !p.isAdmin) {
    throw new AppError("FORBIDDEN", "Only platform admins set passwords for others; invite the person instead (POST /api/v1/teams/{team}/invitations)", {
      issues: [{ path: "password", message: "not allowed for team owners" }],
    });
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const added = await db().$transaction(async (tx) => {
    let user = await tx.user.findUnique({ where: { email: input.email } });
    let created = false;
    if (!user) {
      if (!passwordHash) {
        throw new AppError("VALIDATION", "No user has this email; invite them instead (POST /api/v1/teams/{team}/invitations)", {
          issues: [{ path: "email", message: "no user has this email: invite them" }],
        });
      }
      user = await tx.user.create({ data: { email: input.email, name: input.name ?? "", passwordHash } });
      created = true;
    }
    const existing = await tx.membership.findUnique({ where: { userId_teamId: { userId: user.id, teamId: team.id } } });
    if (existing) throw conflict(`${input.email} is already a member of ${team.slug}`, { role: existing.role });
    const membership = await tx.membership.create({ data: { userId: user.id, teamId: team.id, role: input.role } });
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: "member.add",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, role: input.role, userCreated: created },
    });
    return {
      created,
      member: {
        userId: user.id,
        email: user.email,
        name: user.name,
        role: membership.role as TTeamRole,
        disabled: user.disabled,
        createdAt: membership.createdAt.toISOString(),
      },
    };
  });
  accessChanged([added.member.userId]);
  return added;
}

export async function updateMember(p: TPrincipal, slug: string, userId: string, role: TTeamRole): Promise<TMember> {
  const { team } = await requireTeam(p, slug, "OWNER");
  const member = await db().$transaction(async (tx) => {
    const current = await tx.membership.findUnique({ where: { userId_teamId: { userId, teamId: team.id } }, include: { user: true } });
    if (!current) throw notFound("Member");
    if (current.role === "OWNER" && role !== "OWNER") await assertAnotherOwner(tx, team.id, userId);
    const updated = await tx.membership.update({ where: { userId_teamId: { userId, teamId: team.id } }, data: { role } });
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: "member.update",
      targetType: "user",
      targetId: userId,
      details: { email: current.user.email, from: current.role, to: role },
    });
    return {
      userId,
      email: current.user.email,
      name: current.user.name,
      role: updated.role as TTeamRole,
      disabled: current.user.disabled,
      createdAt: updated.createdAt.toISOString(),
    };
  });
  // A demoted member's open terminals end now (they need MEMBER), not at their next re-check.
  accessChanged([userId]);
  return member;
}

export async function removeMember(p: TPrincipal, slug: string, userId: string): Promise<void> {
  const { team } = await requireTeam(p, slug, "OWNER");
  await db().$transaction(async (tx) => {
    const current = await tx.membership.findUnique({ where: { userId_teamId: { userId, teamId: team.id } }, include: { user: true } });
    if (!current) throw notFound("Member");
    if (current.role === "OWNER") await assertAnotherOwner(tx, team.id, userId);
    await tx.membership.delete({ where: { userId_teamId: { userId, teamId: team.id } } });
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: "member.remove",
      targetType: "user",
      targetId: userId,
      details: { email: current.user.email, role: current.role },
    });
  });
  accessChanged([userId]);
}



/** A team keeps at least one owner, or nobody but an admin could manage it again. */
async function assertAnotherOwner(tx: TTx, teamId: string, leavingUserId: string): Promise<void> {
  const owners = await tx.membership.count({ where: { teamId, role: "OWNER", userId: { not: leavingUserId } } });
  if (owners === 0) throw conflict("A team needs at least one owner; make someone else owner first");
}

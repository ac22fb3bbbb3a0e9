import { requireTeam } from "../auth/authorize";
import { verifyLogin } from "../auth/login";
import { hashPassword } from "../auth/password";
import type { TPrincipal } from "../auth/principal";
import { hashSecret, newSecret } from "../auth/secrets";
import { actorOf, recordAudit, type TActor } from "../audit";
import { db, type TTx } from "../db";
import { publicUrl, settings } from "../env";
import { AppError, conflict, notFound } from "../errors";
import {
  ZAccountLinkAccept,
  ZPassword,
  type TAccountLinkCreated,
  type TAccountLinkInfo,
  type TInvite,
  type TTeamRole,
} from "../protocol/api";
import type { z } from "zod";
import { accessChanged } from "../auth/socket-access";

/** Same answer for a link that never existed, was used, revoked or has expired. */
const GONE = "This link is not valid: it was used already, revoked, or has expired. Ask for a new one.";

export function accountLinkUrl(secret: string): string {
  return new URL(`/invite/${secret}`, publicUrl()).toString();
}

function expiry(): Date {
  return new Date(Date.now() + settings().BERTH_ACCOUNT_LINK_HOURS * 3_600_000);
}

/**
 * A new one-use link; earlier pending links for the same purpose stop working, so only the
 * latest one handed out is live.
 */
export async function issueLink(
  tx: TTx,
  actor: TActor,
  link: { kind: "INVITE"; email: string; team: { id: string; slug: string }; role: TTeamRole } | { kind: "RESET"; email: string; userId: string },
): Promise<TAccountLinkCreated> {
  const secret = newSecret("berth_link");
  const now = new Date();
  const same = link.kind === "INVITE" ? { kind: link.kind, email: link.email, teamId: link.team.id } : { kind: link.kind, userId: link.userId };
  await tx.accountLink.updateMany({ where: { ...same, usedAt: null, revokedAt: null }, data: { revokedAt: now } });
  const row = await tx.accountLink.create({
    data: {
      kind: link.kind,
      tokenHash: hashSecret(secret),
      email: link.email,
      teamId: link.kind === "INVITE" ? link.team.id : null,
      role: link.kind === "INVITE" ? link.role : null,
      userId: link.kind === "RESET" ? link.userId : null,
      createdById: actor.userId,
      expiresAt: expiry(),
    },
  });
  return {
    id: row.id,
    kind: link.kind,
    email: link.email,
    team: link.kind === "INVITE" ? link.team.slug : null,
    role: link.kind === "INVITE" ? link.role : null,
    expiresAt: row.expiresAt.toISOString(),
    url: accountLinkUrl(secret),
  };
}

/** An OWNER invites an email into the team: whoever opens the link sets their own password. */
export async function createInvite(p: TPrincipal, slug: string, input: { email: string; role: TTeamRole }): Promise<TAccountLinkCreated> {
  const { team } = await requireTeam(p, slug, "OWNER");
  return db().$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { teamId: team.id, user: { email: input.email } }, select: { role: true } });
    if (member) throw conflict(`${input.email} is already a member of ${team.slug}`, { role: member.role });
    const created = await issueLink(tx, actorOf(p), { kind: "INVITE", email: input.email, team, role: input.role });
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: "member.invite",
      targetType: "invite",
      targetId: created.id,
      details: { email: input.email, role: input.role },
    });
    return created;
  });
}

export async function listInvites(p: TPrincipal, slug: string): Promise<TInvite[]> {
  const { team } = await requireTeam(p, slug, "OWNER");
  const rows = await db().accountLink.findMany({
    where: { teamId: team.id, kind: "INVITE", usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    include: { createdBy: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: (r.role ?? "VIEWER") as TTeamRole,
    invitedBy: r.createdBy?.email ?? null,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  }));
}

export async function revokeInvite(p: TPrincipal, slug: string, id: string): Promise<void> {
  const { team } = await requireTeam(p, slug, "OWNER");
  await db().$transaction(async (tx) => {
    const { count } = await tx.accountLink.updateMany({
      where: { id, teamId: team.id, kind: "INVITE", usedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw notFound("Invite");
    await recordAudit(tx, actorOf(p), { teamId: team.id, action: "member.invite_revoke", targetType: "invite", targetId: id });
  });
}

async function liveLink(secret: string) {
  const row = await db().accountLink.findUnique({ where: { tokenHash: hashSecret(secret) }, include: { team: { select: { id: true, slug: true, name: true } } } });
  if (!row || row.usedAt || row.revokedAt || row.expiresAt <= new Date()) throw new AppError("NOT_FOUND", GONE);
  if (row.kind === "INVITE" && !row.team) throw new AppError("NOT_FOUND", GONE);
  return row;
}

/** What the link is for. It says nothing about whether the email already has an account. */
export async function readAccountLink(secret: string): Promise<TAccountLinkInfo> {
  const row = await liveLink(secret);
  return {
    kind: row.kind,
    email: row.email,
    team: row.team ? { slug: row.team.slug, name: row.team.name } : null,
    role: (row.role as TTeamRole | null) ?? null,
    expiresAt: row.expiresAt.toISOString(),
  };
}

function weakPassword(password: string): AppError | null {
  const parsed = ZPassword.safeParse(password);
  if (parsed.success) return null;
  const message = parsed.error.issues[0]?.message ?? "password is too weak";
  return new AppError("VALIDATION", `password: ${message}`, { issues: [{ path: "password", message }] });
}

/**
 * Uses a link. RESET: sets the account's password. INVITE: an email without an account gets one
 * with the password chosen here; an existing account proves itself with its own password (checked
 * and throttled like a login, so a link holder cannot take it over); then it joins the team.
 * The link is claimed in the same transaction, so two concurrent uses cannot both succeed.
 */
export async function acceptAccountLink(
  secret: string,
  input: z.output<typeof ZAccountLinkAccept>,
  ip: string | null,
): Promise<{ email: string; team: string | null; created: boolean }> {
  const link = await liveLink(secret);
  const existing = link.kind === "RESET" ? null : await db().user.findUnique({ where: { email: link.email } });
  let passwordHash: string | null = null;
  if (link.kind === "RESET" || !existing) {
    const weak = weakPassword(input.password);
    if (weak) throw weak;
    passwordHash = await hashPassword(input.password);
  } else {
    await verifyLogin(link.email, input.password, ip);
  }
  const accepted = await db().$transaction(async (tx) => {
    const now = new Date();
    const claimed = await tx.accountLink.updateMany({
      where: { id: link.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count === 0) throw new AppError("NOT_FOUND", GONE);
    const system: TActor = { userId: null, label: `${link.email} (link)`, ip };
    if (link.kind === "RESET") {
      if (!link.userId || !passwordHash) throw new AppError("NOT_FOUND", GONE);
      const user = await tx.user.update({ where: { id: link.userId }, data: { passwordHash } });
      await recordAudit(tx, { ...system, userId: user.id }, { action: "user.password_set", targetType: "user", targetId: user.id, details: { email: user.email, via: "link" } });
      return { email: user.email, team: null, created: false };
    }
    const team = link.team;
    if (!team) throw new AppError("NOT_FOUND", GONE);
    let user = existing;
    let created = false;
    if (!user) {
      // A concurrent acceptance of another invite for this email may have created the account.
      const raced = await tx.user.findUnique({ where: { email: link.email } });
      if (raced) throw conflict("An account with this email was just created; open the link again and use its password");
      user = await tx.user.create({ data: { email: link.email, name: input.name ?? "", passwordHash: passwordHash ?? "" } });
      created = true;
    }
    const role = (link.role ?? "VIEWER") as TTeamRole;
    await tx.membership.upsert({
      where: { userId_teamId: { userId: user.id, teamId: team.id } },
      create: { userId: user.id, teamId: team.id, role },
      update: {},
    });
    await recordAudit(tx, { ...system, userId: user.id }, {
      teamId: team.id,
      action: "member.join",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, role, userCreated: created, inviteId: link.id },
    });
    return { email: user.email, team: team.slug, created };
  });
  // An existing account that joined a team hears the team's events on the sockets it has open.
  if (accepted.team && existing) accessChanged([existing.id]);
  return accepted;
}

import { requireAdmin } from "../auth/authorize";
import { hashPassword } from "../auth/password";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { AppError, conflict, notFound } from "../errors";
import type { TAccountLinkCreated, TMe, TTeamRole, TUser } from "../protocol/api";
import { disconnectUiSockets } from "../realtime/broadcast";
import { issueLink } from "./account-links";
import { unusablePasswordHash } from "./passwords";
import { accessChanged } from "../auth/socket-access";

function toUser(u: { id: string; email: string; name: string; isAdmin: boolean; disabled: boolean; createdAt: Date; lastLoginAt: Date | null }): TUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isAdmin: u.isAdmin,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  };
}

export async function me(p: TPrincipal): Promise<TMe> {
  const user = await db().user.findUniqueOrThrow({
    where: { id: p.userId },
    include: { memberships: { include: { team: true }, orderBy: { team: { slug: "asc" } } } },
  });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isAdmin: user.isAdmin,
    teams: user.memberships.map((m) => ({ slug: m.team.slug, name: m.team.name, role: m.role as TTeamRole })),
  };
}

export async function listUsers(p: TPrincipal): Promise<TUser[]> {
  requireAdmin(p);
  const rows = await db().user.findMany({ orderBy: { email: "asc" } });
  return rows.map(toUser);
}

export async function updateUser(
  p: TPrincipal,
  id: string,
  patch: { disabled?: boolean; isAdmin?: boolean; name?: string },
): Promise<TUser> {
  requireAdmin(p);
  if (id === p.userId && (patch.disabled === true || patch.isAdmin === false)) {
    throw new AppError("CONFLICT", "You cannot disable yourself or drop your own admin role");
  }
  return db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw notFound("User");
    const after = await tx.user.update({ where: { id }, data: patch });
    await recordAudit(tx, actorOf(p), { action: "user.update", targetType: "user", targetId: id, details: { email: after.email, ...patch } });
    return toUser(after);
  }).then((user) => {
    if (user.disabled) disconnectUiSockets((s) => s.userId !== id);
    // The admin flag decides which rooms and sets the user's open sockets reach; other replicas
    // close a disabled user's sockets on this re-check.
    accessChanged([id]);
    return user;
  });
}

/**
 * Only admins create accounts directly. Without a password the admin gets a one-use link through
 * which the person sets their own; with one (for service accounts and scripts) it is set as given.
 */
export async function createUser(
  p: TPrincipal,
  input: { email: string; name?: string; isAdmin?: boolean; password?: string },
): Promise<{ user: TUser; link: TAccountLinkCreated | null }> {
  requireAdmin(p);
  const passwordHash = input.password ? await hashPassword(input.password) : await unusablePasswordHash();
  return db().$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email } })) throw conflict(`A user with the email ${input.email} exists already`);
    const user = await tx.user.create({ data: { email: input.email, name: input.name ?? "", isAdmin: input.isAdmin ?? false, passwordHash } });
    const link = input.password ? null : await issueLink(tx, actorOf(p), { kind: "RESET", email: user.email, userId: user.id });
    await recordAudit(tx, actorOf(p), {
      action: "user.create",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, isAdmin: user.isAdmin, passwordSetBy: input.password ? "admin" : "user" },
    });
    return { user: toUser(user), link };
  });
}

/** First start: the admin named by BERTH_ADMIN_EMAIL/PASSWORD, created once and never overwritten. */
export async function ensureFirstAdmin(email: string | undefined, password: string | undefined): Promise<"created" | "exists" | "skipped"> {
  if (!email || !password) return "skipped";
  const normalized = email.trim().toLowerCase();
  const existing = await db().user.findUnique({ where: { email: normalized } });
  if (existing) return "exists";
  const passwordHash = await hashPassword(password);
  await db().$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: normalized, name: "Admin", passwordHash, isAdmin: true } });
    await recordAudit(tx, { userId: null, label: "system", ip: null }, {
      action: "user.bootstrap_admin",
      targetType: "user",
      targetId: user.id,
      details: { email: normalized },
    });
  });
  return "created";
}

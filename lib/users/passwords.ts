import { randomBytes } from "node:crypto";
import { requireAdmin } from "../auth/authorize";
import { verifyLogin } from "../auth/login";
import { hashPassword } from "../auth/password";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db, type TTx } from "../db";
import { AppError, conflict, notFound } from "../errors";
import type { TAccountLinkCreated } from "../protocol/api";
import { disconnectUiSockets } from "../realtime/broadcast";
import { accessChanged } from "../auth/socket-access";
import { issueLink } from "./account-links";

/** A hash nobody knows the password of: the account waits for its set-password link. */
export async function unusablePasswordHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString("base64url"));
}

/** Ends a user's sessions (by raising their epoch) and revokes their tokens, except the ones kept. */
async function signOutEverywhere(tx: TTx, userId: string, keepTokenId?: string): Promise<{ epoch: number; revokedTokens: number }> {
  const user = await tx.user.update({ where: { id: userId }, data: { sessionEpoch: { increment: 1 } } });
  const { count } = await tx.apiToken.updateMany({
    where: { userId, revokedAt: null, ...(keepTokenId ? { id: { not: keepTokenId } } : {}) },
    data: { revokedAt: new Date() },
  });
  return { epoch: user.sessionEpoch, revokedTokens: count };
}

export interface TPasswordChangeResult {
  signedOutOtherSessions: boolean;
  revokedTokens: number;
  /** The epoch the caller's own session must be re-signed under, when it was raised. */
  newEpoch: number | null;
}

/**
 * The caller changes their own password, proving the current one (throttled like a login). With
 * `signOutEverywhere`, every other session and token of theirs ends now, open sockets included;
 * the session or token that asked survives.
 */
export async function changeOwnPassword(
  p: TPrincipal,
  input: { current: string; new: string; signOutEverywhere: boolean },
): Promise<TPasswordChangeResult> {
  try {
    await verifyLogin(p.email, input.current, p.ip);
  } catch (err) {
    if (err instanceof AppError && err.code === "UNAUTHENTICATED") {
      throw new AppError("VALIDATION", "current: the current password is wrong", { issues: [{ path: "current", message: "wrong password" }] });
    }
    throw err;
  }
  if (input.new === input.current) {
    throw new AppError("VALIDATION", "new: choose a password different from the current one", { issues: [{ path: "new", message: "same as the current password" }] });
  }
  const passwordHash = await hashPassword(input.new);
  const result = await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: p.userId }, data: { passwordHash } });
    const out = input.signOutEverywhere ? await signOutEverywhere(tx, p.userId, p.via === "token" ? p.tokenId : undefined) : null;
    await recordAudit(tx, actorOf(p), {
      action: "user.password_change",
      targetType: "user",
      targetId: p.userId,
      details: { email: p.email, signOutEverywhere: input.signOutEverywhere, revokedTokens: out?.revokedTokens ?? 0 },
    });
    return out;
  });
  if (result) {
    disconnectUiSockets((s) => s.userId !== p.userId || (s.via === "token" && p.via === "token" && s.tokenId === p.tokenId));
    // Other replicas close the signed-out sessions and revoked tokens on this re-check.
    accessChanged([p.userId]);
  }
  return {
    signedOutOtherSessions: result !== null,
    revokedTokens: result?.revokedTokens ?? 0,
    newEpoch: result && p.via === "session" ? result.epoch : null,
  };
}

/**
 * An admin forces a reset: the old password stops working, every session and token of the user
 * ends, and the admin gets a one-use link to hand to them.
 */
export async function forcePasswordReset(p: TPrincipal, userId: string): Promise<TAccountLinkCreated> {
  requireAdmin(p);
  if (userId === p.userId) throw conflict("Change your own password on your Account page instead");
  const scrambled = await unusablePasswordHash();
  const link = await db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw notFound("User");
    await tx.user.update({ where: { id: userId }, data: { passwordHash: scrambled } });
    const { revokedTokens } = await signOutEverywhere(tx, userId);
    const created = await issueLink(tx, actorOf(p), { kind: "RESET", email: user.email, userId });
    await recordAudit(tx, actorOf(p), { action: "user.password_reset", targetType: "user", targetId: userId, details: { email: user.email, revokedTokens } });
    return created;
  });
  disconnectUiSockets((s) => s.userId !== userId);
  accessChanged([userId]);
  return link;
}

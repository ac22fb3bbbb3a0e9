import { requireAdmin } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { hashSecret, newSecret } from "../auth/secrets";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { AppError } from "../errors";
import type { TEnrollRequest, TEnrollResponse } from "../protocol/events";
import { disconnectAgent } from "../realtime/agents";

export interface TEnrollmentTokenInput {
  ttlSeconds: number;
  zone?: string;
}

/** One-use, expiring: an admin hands it to a new host's agent. */
export async function createEnrollmentToken(
  p: TPrincipal | null,
  input: TEnrollmentTokenInput,
): Promise<{ token: string; expiresAt: string }> {
  if (p) requireAdmin(p);
  const token = newSecret("berth_enroll");
  const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
  await db().$transaction(async (tx) => {
    const row = await tx.enrollmentToken.create({
      data: { tokenHash: hashSecret(token), zone: input.zone ?? "default", expiresAt, createdById: p?.userId ?? null },
    });
    await recordAudit(tx, p ? actorOf(p) : { userId: null, label: "system", ip: null }, {
      action: "host.enrollment_token.create",
      targetType: "enrollment_token",
      targetId: row.id,
      details: { zone: row.zone, expiresAt: expiresAt.toISOString() },
    });
  });
  return { token, expiresAt: expiresAt.toISOString() };
}

/**
 * The agent's first call. The token is consumed in the same conditional update that checks it,
 * so two agents racing with one token cannot both enroll. Refusals are audited.
 */
export async function enrollHost(input: TEnrollRequest, ip: string | null): Promise<TEnrollResponse> {
  const credential = newSecret("berth_host");
  const tokenHash = hashSecret(input.token);
  const result = await db().$transaction(async (tx) => {
    const now = new Date();
    const claimed = await tx.enrollmentToken.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return null;
    const token = await tx.enrollmentToken.findUniqueOrThrow({ where: { tokenHash } });
    const host = await tx.host.create({
      data: {
        name: input.name,
        zone: input.zone ?? token.zone,
        labels: input.labels ?? {},
        credentialHash: hashSecret(credential),
        status: "Unreachable",
      },
    });
    await tx.enrollmentToken.update({ where: { id: token.id }, data: { hostId: host.id } });
    await recordAudit(tx, { userId: null, label: `host:${host.name}`, ip }, {
      action: "host.enroll",
      targetType: "host",
      targetId: host.id,
      details: { name: host.name, zone: host.zone },
    });
    return host;
  });
  if (!result) {
    const known = await db().enrollmentToken.findUnique({ where: { tokenHash } });
    const why = !known ? "unknown" : known.usedAt ? "already used" : "expired";
    await db().$transaction((tx) =>
      recordAudit(tx, { userId: null, label: `agent:${input.name}`, ip }, {
        action: "host.enroll_refused",
        targetType: "enrollment_token",
        targetId: known?.id ?? null,
        details: { reason: why, name: input.name },
      }),
    );
    throw new AppError("UNAUTHENTICATED", "Enrollment token is invalid, expired or already used");
  }
  return { hostId: result.id, credential };
}

export async function setHostCordon(p: TPrincipal, hostId: string, cordoned: boolean): Promise<void> {
  requireAdmin(p);
  await db().$transaction(async (tx) => {
    const host = await tx.host.findUnique({ where: { id: hostId } });
    if (!host || host.revokedAt) throw new AppError("NOT_FOUND", "Host not found");
    await tx.host.update({ where: { id: hostId }, data: { cordoned } });
    await recordAudit(tx, actorOf(p), { action: cordoned ? "host.cordon" : "host.uncordon", targetType: "host", targetId: hostId, details: { name: host.name } });
  });
}

export async function revokeHost(p: TPrincipal, hostId: string): Promise<void> {
  requireAdmin(p);
  await db().$transaction(async (tx) => {
    const host = await tx.host.findUnique({ where: { id: hostId } });
    if (!host || host.revokedAt) throw new AppError("NOT_FOUND", "Host not found");
    await tx.host.update({ where: { id: hostId }, data: { revokedAt: new Date(), status: "Unreachable", statusSince: new Date() } });
    await recordAudit(tx, actorOf(p), { action: "host.revoke", targetType: "host", targetId: hostId, details: { name: host.name } });
  });
  // At once, not at its next reconnect (which the handshake refuses): a revoked agent must not
  // keep receiving set specs, terminals and logs over the connection it already has.
  disconnectAgent(hostId);
}

import { actorOf, recordAudit, type TActor } from "../audit";
import { db } from "../db";
import { settings } from "../env";
import { AppError, notFound } from "../errors";
import type { TTokenCreate, TTokenInfo } from "../protocol/api";
import { verifyLogin } from "./login";
import type { TPrincipal } from "./principal";
import { hashSecret, newSecret } from "./secrets";
import { disconnectUiSockets } from "../realtime/broadcast";

export interface TCreatedToken {
  id: string;
  token: string;
  name: string;
  expiresAt: string | null;
}

/**
 * When the token expires: the asked-for days (default BERTH_TOKEN_DEFAULT_DAYS, at most
 * BERTH_TOKEN_MAX_DAYS), and never after the token it was minted with.
 */
export function tokenExpiry(expiresInDays: number | undefined, parentExpiresAt: Date | null, now = Date.now()): Date {
  const s = settings();
  const days = expiresInDays ?? s.BERTH_TOKEN_DEFAULT_DAYS;
  if (days > s.BERTH_TOKEN_MAX_DAYS) {
    throw new AppError("VALIDATION", `A token may live at most ${s.BERTH_TOKEN_MAX_DAYS} days (BERTH_TOKEN_MAX_DAYS)`, {
      fields: { expiresInDays: `at most ${s.BERTH_TOKEN_MAX_DAYS}` },
    });
  }
  const asked = new Date(now + days * 86_400_000);
  return parentExpiresAt && parentExpiresAt < asked ? parentExpiresAt : asked;
}

async function issueToken(userId: string, actor: TActor, input: TTokenCreate, parent: { id: string; expiresAt: Date | null } | null): Promise<TCreatedToken> {
  const token = newSecret("berth");
  const expiresAt = tokenExpiry(input.expiresInDays, parent?.expiresAt ?? null);
  const row = await db().$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { userId, name: input.name, tokenHash: hashSecret(token), prefix: token.slice(0, 12), expiresAt, parentId: parent?.id ?? null },
    });
    await recordAudit(tx, actor, {
      action: "token.create",
      targetType: "api_token",
      targetId: created.id,
      details: { name: input.name, expiresAt: expiresAt.toISOString(), parentId: parent?.id ?? null },
    });
    return created;
  });
  return { id: row.id, token, name: row.name, expiresAt: row.expiresAt?.toISOString() ?? null };
}

/** `POST /api/v1/auth/token`: email + password in, token out; limited like a login. */
export async function createTokenWithPassword(
  input: { email: string; password: string; name: string; expiresInDays?: number },
  ip: string | null,
): Promise<TCreatedToken> {
  const user = await verifyLogin(input.email, input.password, ip);
  return issueToken(user.id, { userId: user.id, label: user.email, ip }, { name: input.name, expiresInDays: input.expiresInDays }, null);
}

/** A token minted with a token is its child: it cannot outlive its parent, in time or in revocation. */
export async function createTokenForPrincipal(p: TPrincipal, input: TTokenCreate): Promise<TCreatedToken> {
  const parent = p.tokenId ? await db().apiToken.findUnique({ where: { id: p.tokenId }, select: { id: true, expiresAt: true } }) : null;
  if (p.tokenId && !parent) throw new AppError("UNAUTHENTICATED", "API token is invalid, expired or revoked");
  return issueToken(p.userId, actorOf(p), input, parent);
}

export async function listTokens(p: TPrincipal): Promise<TTokenInfo[]> {
  const rows = await db().apiToken.findMany({ where: { userId: p.userId }, orderBy: { createdAt: "desc" } });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: r.lastUsedIp,
    parentId: r.parentId,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

/** Owners revoke their own tokens (and every token minted from it); admins any. Others' tokens answer 404. */
export async function revokeToken(p: TPrincipal, id: string): Promise<{ revoked: number }> {
  const row = await db().apiToken.findUnique({ where: { id } });
  if (!row || (row.userId !== p.userId && !p.isAdmin)) throw notFound("Token");
  return db().$transaction(async (tx) => {
    const revokedAt = new Date();
    const lineage = await tx.$queryRaw<{ id: string }[]>`
      WITH RECURSIVE lineage AS (
        SELECT "id" FROM "ApiToken" WHERE "id" = ${id}
        UNION
        SELECT t."id" FROM "ApiToken" t JOIN lineage l ON t."parentId" = l."id"
      )
      SELECT "id" FROM lineage`;
    const ids = lineage.map((l) => l.id);
    const { count } = await tx.apiToken.updateMany({ where: { id: { in: ids }, revokedAt: null }, data: { revokedAt } });
    if (count > 0) {
      await recordAudit(tx, actorOf(p), { action: "token.revoke", targetType: "api_token", targetId: id, details: { name: row.name, withDescendants: ids.length - 1 } });
    }
    return { revoked: count, ids };
  }).then(({ revoked, ids }) => {
    const gone = new Set(ids);
    disconnectUiSockets((s) => !s.tokenId || !gone.has(s.tokenId));
    return { revoked };
  });
}

import { actorOf, recordAudit, type TActor } from "../audit";
import { db } from "../db";
import { notFound } from "../errors";
import type { TTokenCreate, TTokenInfo } from "../protocol/api";
import { verifyLogin } from "./login";
import type { TPrincipal } from "./principal";
import { hashSecret, newSecret } from "./secrets";

export interface TCreatedToken {
  id: string;
  token: string;
  name: string;
  expiresAt: string | null;
}

async function issueToken(userId: string, actor: TActor, input: TTokenCreate): Promise<TCreatedToken> {
  const token = newSecret("berth");
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const row = await db().$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { userId, name: input.name, tokenHash: hashSecret(token), prefix: token.slice(0, 12), expiresAt },
    });
    await recordAudit(tx, actor, {
      action: "token.create",
      targetType: "api_token",
      targetId: created.id,
      details: { name: input.name, expiresAt: expiresAt?.toISOString() ?? null },
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
  return issueToken(user.id, { userId: user.id, label: user.email, ip }, { name: input.name, expiresInDays: input.expiresInDays });
}

export function createTokenForPrincipal(p: TPrincipal, input: TTokenCreate): Promise<TCreatedToken> {
  return issueToken(p.userId, actorOf(p), input);
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
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

/** Owners revoke their own tokens; admins any. Others' tokens answer 404. */
export async function revokeToken(p: TPrincipal, id: string): Promise<void> {
  const row = await db().apiToken.findUnique({ where: { id } });
  if (!row || (row.userId !== p.userId && !p.isAdmin)) throw notFound("Token");
  if (row.revokedAt) return;
  await db().$transaction(async (tx) => {
    await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actorOf(p), { action: "token.revoke", targetType: "api_token", targetId: id, details: { name: row.name } });
  });
}

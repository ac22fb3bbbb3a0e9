import { decode } from "next-auth/jwt";
import { db } from "../db";
import { AppError } from "../errors";
import { isAllowedOrigin } from "./origin";
import { hashSecret } from "./secrets";
import { authSecret } from "../env";

export interface TPrincipal {
  userId: string;
  email: string;
  isAdmin: boolean;
  via: "session" | "token";
  tokenId?: string;
  /** For sessions: the user's session epoch they were signed in under. */
  sessionEpoch?: number;
  ip: string | null;
}

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];
export interface TCredentialSource {
  authorization: string | null;
  cookieHeader: string | null;
  origin: string | null;
  ip: string | null;
  /** Cookie-authenticated writes and every socket handshake must come from our own origin. */
  requireOrigin: boolean;
}

export async function authenticate(src: TCredentialSource): Promise<TPrincipal> {
  const bearer = src.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return principalFromToken(bearer, src.ip);
  if (src.authorization) throw new AppError("UNAUTHENTICATED", "Authorization header must be `Bearer <token>`");
  const sessionToken = readSessionCookie(src.cookieHeader);
  if (!sessionToken) throw new AppError("UNAUTHENTICATED", "Sign in or send an API token");
  if (src.requireOrigin && !isAllowedOrigin(src.origin)) {
    throw new AppError("BAD_ORIGIN", "Request origin is not this console's URL (set BERTH_URL to the address you use)");
  }
  return principalFromSession(sessionToken, src.ip);
}

export function readSessionCookie(cookieHeader: string | null): string | null {
  return readNamedSessionCookie(cookieHeader)?.value ?? null;
}

/** The session cookie and which of next-auth's names it goes by (the secure one behind HTTPS). */
export function readNamedSessionCookie(cookieHeader: string | null): { name: string; value: string } | null {
  if (!cookieHeader) return null;
  const cookies = new Map<string, string>();
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), safeDecode(part.slice(eq + 1).trim()));
  }
  for (const name of SESSION_COOKIES) {
    const value = cookies.get(name);
    if (value) return { name, value };
  }
  return null;
}

/** A malformed %-sequence in some unrelated cookie must not turn a request into a 500. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // not %-encoded after all: use it as sent
  }
}

async function principalFromSession(sessionToken: string, ip: string | null): Promise<TPrincipal> {
  const secret = authSecret();
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: server.ts sets it at start");
  let userId: string | undefined;
  let epoch = 0;
  try {
    const decoded = await decode({ token: sessionToken, secret });
    userId = typeof decoded?.uid === "string" ? decoded.uid : undefined;
    epoch = typeof decoded?.epoch === "number" ? decoded.epoch : 0;
  } catch (err) {
    console.warn("session cookie did not decode", (err as Error).message);
  }
  if (!userId) throw new AppError("UNAUTHENTICATED", "Session expired; sign in again");
  const user = await db().user.findUnique({ where: { id: userId } });
  // Checked on every request so disabling a user, or signing them out everywhere, takes effect
  // before the JWT expires.
  if (!user || user.disabled || epoch !== user.sessionEpoch) throw new AppError("UNAUTHENTICATED", "Session is no longer valid; sign in again");
  return { userId: user.id, email: user.email, isAdmin: user.isAdmin, via: "session", sessionEpoch: epoch, ip };
}

async function principalFromToken(token: string, ip: string | null): Promise<TPrincipal> {
  const row = await db().apiToken.findUnique({
    where: { tokenHash: hashSecret(token) },
    include: { user: true, parent: { select: { revokedAt: true } } },
  });
  const now = new Date();
  // The parent is checked too: a child minted while its parent was being revoked is not missed.
  if (!row || row.revokedAt || row.parent?.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.user.disabled) {
    throw new AppError("UNAUTHENTICATED", "API token is invalid, expired or revoked");
  }
  // Coarse lastUsedAt: one write a minute per token at most, or at once from a new address.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000 || (ip && row.lastUsedIp !== ip)) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now, lastUsedIp: ip ?? row.lastUsedIp } });
  }
  return { userId: row.userId, email: row.user.email, isAdmin: row.user.isAdmin, via: "token", tokenId: row.id, ip };
}

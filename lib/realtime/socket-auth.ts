import type { IncomingHttpHeaders } from "node:http";
import { isAllowedOrigin } from "../auth/origin";
import { authenticate, type TPrincipal } from "../auth/principal";
import { hashSecret } from "../auth/secrets";
import { db } from "../db";
import { AppError } from "../errors";
import { PROTOCOL_VERSION, ZAgentHandshake } from "../protocol/events";

export interface THandshakeLike {
  headers: IncomingHttpHeaders;
  auth: Record<string, unknown>;
  address: string;
}

function header(h: IncomingHttpHeaders, name: string): string | null {
  const v = h[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/**
 * `/ui` handshake: a foreign Origin is always refused (cross-site WebSocket hijacking); a cookie
 * session additionally needs our own Origin to be present; a token client may omit Origin.
 */
export async function authenticateUiHandshake(h: THandshakeLike): Promise<TPrincipal> {
  const origin = header(h.headers, "origin");
  if (origin && !isAllowedOrigin(origin)) throw new AppError("BAD_ORIGIN", "Origin not allowed");
  const token = typeof h.auth.token === "string" ? h.auth.token : null;
  return authenticate({
    authorization: token ? `Bearer ${token}` : null,
    cookieHeader: token ? null : header(h.headers, "cookie"),
    origin,
    ip: h.address,
    requireOrigin: true,
  });
}

export interface TAgentIdentity {
  hostId: string;
  name: string;
}

/** `/agent` handshake: the host credential identifies exactly one host; revoked hosts are refused. */
export async function authenticateAgentHandshake(h: THandshakeLike): Promise<TAgentIdentity> {
  const origin = header(h.headers, "origin");
  if (origin && !isAllowedOrigin(origin)) throw new AppError("BAD_ORIGIN", "Origin not allowed");
  const parsed = ZAgentHandshake.safeParse(h.auth);
  if (!parsed.success) throw new AppError("UNAUTHENTICATED", "Agent handshake needs protocolVersion and credential");
  if (parsed.data.protocolVersion !== PROTOCOL_VERSION) {
    throw new AppError("CONFLICT", `Protocol ${parsed.data.protocolVersion} not supported; console speaks ${PROTOCOL_VERSION}`);
  }
  const host = await db().host.findUnique({ where: { credentialHash: hashSecret(parsed.data.credential) } });
  if (!host || host.revokedAt) throw new AppError("UNAUTHENTICATED", "Unknown or revoked host credential");
  return { hostId: host.id, name: host.name };
}

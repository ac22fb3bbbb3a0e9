import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { TAccess } from "./scopes";
import type { TTokenSigner } from "./keys";

/** Names the registry's config and every token agree on. */
export const REGISTRY_SERVICE = "berth-registry";
export const TOKEN_ISSUER = "berth-console";
export const TOKEN_TTL_SECONDS = 300;

export interface TIssuedToken {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
}

export async function signRegistryToken(signer: TTokenSigner, subject: string, access: TAccess[], ttlSeconds = TOKEN_TTL_SECONDS): Promise<TIssuedToken> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ access })
    .setProtectedHeader({ alg: "ES256", typ: "JWT", x5c: signer.x5c })
    .setIssuer(TOKEN_ISSUER)
    .setSubject(subject)
    .setAudience(REGISTRY_SERVICE)
    .setIssuedAt(now)
    // Distribution allows no clock skew; a token used the same second it was made must pass.
    .setNotBefore(now - 10)
    .setExpirationTime(now + ttlSeconds)
    .setJti(randomUUID())
    .sign(signer.key);
  return { token, access_token: token, expires_in: ttlSeconds, issued_at: new Date(now * 1000).toISOString() };
}

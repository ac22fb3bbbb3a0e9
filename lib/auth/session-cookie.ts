import { decode, encode } from "next-auth/jwt";
import { authSecret, settings } from "../env";
import { readNamedSessionCookie } from "./principal";

export interface TSessionCookie {
  name: string;
  value: string;
  maxAge: number;
  secure: boolean;
}

/**
 * The caller's own session, re-signed under the user's new epoch: "sign out everywhere" ends every
 * other session but keeps the one that asked for it. Same claims and cookie name as next-auth's.
 */
export async function reissueSession(cookieHeader: string | null, epoch: number): Promise<TSessionCookie | null> {
  const secret = authSecret();
  const cookie = readNamedSessionCookie(cookieHeader);
  if (!secret || !cookie) return null;
  const current = await decode({ token: cookie.value, secret });
  if (!current) return null;
  const { name } = cookie;
  const maxAge = settings().BERTH_SESSION_MAX_AGE;
  const value = await encode({ token: { ...current, epoch }, secret, maxAge });
  return { name, value, maxAge, secure: name.startsWith("__Secure-") };
}

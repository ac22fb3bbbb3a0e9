import { db } from "../db";
import { AppError } from "../errors";
import { burnPasswordCheck, verifyPassword } from "./password";
import { loadLoginThrottle, saveLoginThrottle } from "./throttle-store";

export interface TLoginUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  sessionEpoch: number;
}

const INVALID = "Invalid email or password";

/** Shared by the session login and token creation: same limiter, same answer for every miss. */
export async function verifyLogin(emailRaw: string, password: string, ip: string | null): Promise<TLoginUser> {
  const email = emailRaw.trim().toLowerCase();
  const throttle = await loadLoginThrottle(email, ip);
  throttle.assertAllowed(email, ip);
  const user = await db().user.findUnique({ where: { email } });
  let ok = false;
  if (user) ok = (await verifyPassword(user.passwordHash, password)) && !user.disabled;
  else await burnPasswordCheck(password);
  if (!ok || !user) {
    throttle.fail(email, ip);
    await saveLoginThrottle(email, ip);
    throw new AppError("UNAUTHENTICATED", INVALID);
  }
  throttle.succeed(email, ip);
  await saveLoginThrottle(email, ip);
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, sessionEpoch: user.sessionEpoch };
}

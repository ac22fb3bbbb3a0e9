import { z } from "zod";
import { db } from "../db";
import { settings } from "../env";
import { loginThrottle, type LoginThrottle } from "./rate-limit";

/**
 * The login limiter's counts live in Postgres, so every console replica enforces one limit: the
 * keys a login attempt touches are loaded before it is checked and saved after it is counted. Two
 * replicas counting the same key at the same instant may lose one failure; the limit still holds
 * within that.
 */

const ZFailureTimes = z.strictObject({ times: z.array(z.number()).max(1000) });
const ZBackoff = z.strictObject({ failures: z.number().int().min(0), lastFailureAt: z.number(), notBefore: z.number() });

/** Expired rows are deleted on every this many saves (cheap, and bounds the table). */
const PRUNE_EVERY = 200;
const holder = globalThis as unknown as { berthThrottleSaves?: number };

function keysOf(t: LoginThrottle, email: string, ip: string | null) {
  const k = t.keysFor(email, ip);
  return { ...k, all: [k.perIp, k.perAccountIp, k.perAccount].filter((x): x is string => x !== null) };
}

/** The shared limiter with this attempt's keys as Postgres has them now. */
export async function loadLoginThrottle(email: string, ip: string | null): Promise<LoginThrottle> {
  const t = loginThrottle();
  const keys = keysOf(t, email, ip);
  const rows = await db().loginThrottleEntry.findMany({ where: { key: { in: keys.all }, expiresAt: { gt: new Date() } } });
  const state = new Map(rows.map((r) => [r.key, r.state]));
  if (keys.perIp) {
    const parsed = ZFailureTimes.safeParse(state.get(keys.perIp));
    t.perIp.restore(keys.perIp, parsed.success ? parsed.data.times : undefined);
  }
  for (const [limiter, key] of [
    [t.perAccountIp, keys.perAccountIp],
    [t.perAccount, keys.perAccount],
  ] as const) {
    const parsed = ZBackoff.safeParse(state.get(key));
    limiter.restore(key, parsed.success ? parsed.data : undefined);
  }
  return t;
}

/** Writes this attempt's keys back (a key with nothing left to remember is deleted). */
export async function saveLoginThrottle(email: string, ip: string | null): Promise<void> {
  const t = loginThrottle();
  const keys = keysOf(t, email, ip);
  const windowMs = settings().BERTH_LOGIN_WINDOW_SECONDS * 1000;
  const now = Date.now();
  const writes: Array<{ key: string; state: z.infer<typeof ZFailureTimes> | z.infer<typeof ZBackoff> | undefined; until: number }> = [];
  if (keys.perIp) {
    const times = t.perIp.snapshot(keys.perIp);
    writes.push({ key: keys.perIp, state: times && { times }, until: now + windowMs });
  }
  for (const [limiter, key] of [
    [t.perAccountIp, keys.perAccountIp],
    [t.perAccount, keys.perAccount],
  ] as const) {
    const entry = limiter.snapshot(key);
    writes.push({ key, state: entry, until: Math.max(entry?.notBefore ?? 0, (entry?.lastFailureAt ?? now) + windowMs) });
  }
  await db().$transaction([
    ...writes.map((w) =>
      w.state
        ? db().loginThrottleEntry.upsert({
            where: { key: w.key },
            create: { key: w.key, state: w.state, expiresAt: new Date(w.until) },
            update: { state: w.state, expiresAt: new Date(w.until) },
          })
        : db().loginThrottleEntry.deleteMany({ where: { key: w.key } }),
    ),
  ]);
  holder.berthThrottleSaves = (holder.berthThrottleSaves ?? 0) + 1;
  if (holder.berthThrottleSaves % PRUNE_EVERY === 0) await db().loginThrottleEntry.deleteMany({ where: { expiresAt: { lt: new Date() } } });
}

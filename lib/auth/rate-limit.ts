import { settings } from "../env";
import { AppError } from "../errors";

/**
 * A Map that forgets its least recently touched keys past `maxKeys`, so a stream of made-up
 * emails or spoofed addresses cannot grow the console's memory.
 */
export class LruMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxKeys: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Counts failures per key in a sliding window and refuses at `maxFailures` (the per-IP limit). */
export class FailureLimiter {
  private readonly failures: LruMap<number[]>;

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    maxKeys = 10_000,
  ) {
    this.failures = new LruMap(maxKeys);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Seconds until `keys` may try again, or 0 when none of them is over the limit. */
  retryAfter(keys: string[]): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key);
      if (recent.length >= this.maxFailures) {
        const oldest = recent[recent.length - this.maxFailures];
        wait = Math.max(wait, Math.ceil((oldest + this.windowMs - this.now()) / 1000));
      }
    }
    return wait;
  }

  fail(keys: string[]): void {
    const at = this.now();
    // At most maxFailures timestamps per key matter; keeping more would only cost memory.
    for (const key of keys) this.failures.set(key, [...this.recent(key), at].slice(-this.maxFailures));
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  /** The key's failure times, for a store shared by replicas (lib/auth/throttle-store.ts). */
  snapshot(key: string): number[] | undefined {
    const recent = this.recent(key);
    return recent.length ? recent : undefined;
  }

  restore(key: string, times: number[] | undefined): void {
    if (times?.length) this.failures.set(key, times.slice(-this.maxFailures));
    else this.failures.delete(key);
  }

  get trackedKeys(): number {
    return this.failures.size;
  }
}

export interface TBackoffPolicy {
  /** Failures that cost nothing; the next one starts the delays. */
  freeFailures: number;
  baseMs: number;
  capMs: number;
  /** A key whose last failure is older than this starts over. */
  forgetAfterMs: number;
}

export interface TBackoffEntry {
  failures: number;
  lastFailureAt: number;
  notBefore: number;
}

/**
 * Exponential backoff per key: after the free failures, each further failure makes the key wait
 * base·2^k (capped) before its next attempt is even checked. It slows guessing down without ever
 * locking the key out for long — the cap is the longest anyone waits.
 */
export class BackoffLimiter {
  private readonly entries: LruMap<TBackoffEntry>;

  constructor(
    private readonly policy: TBackoffPolicy,
    private readonly now: () => number = Date.now,
    maxKeys = 10_000,
  ) {
    this.entries = new LruMap(maxKeys);
  }

  private current(key: string): TBackoffEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.lastFailureAt > this.policy.forgetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  retryAfter(keys: string[]): number {
    let wait = 0;
    for (const key of keys) {
      const entry = this.current(key);
      if (entry) wait = Math.max(wait, Math.ceil((entry.notBefore - this.now()) / 1000));
    }
    return wait;
  }

  fail(keys: string[]): void {
    const at = this.now();
    for (const key of keys) {
      const failures = (this.current(key)?.failures ?? 0) + 1;
      const over = failures - this.policy.freeFailures;
      const delay = over > 0 ? Math.min(this.policy.capMs, this.policy.baseMs * 2 ** Math.min(over - 1, 30)) : 0;
      this.entries.set(key, { failures, lastFailureAt: at, notBefore: at + delay });
    }
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  snapshot(key: string): TBackoffEntry | undefined {
    return this.current(key);
  }

  restore(key: string, entry: TBackoffEntry | undefined): void {
    if (entry) this.entries.set(key, entry);
    else this.entries.delete(key);
  }

  get trackedKeys(): number {
    return this.entries.size;
  }
}

/**
 * Three views of failed logins, so that a stranger can slow down only themselves:
 * - per IP, a hard sliding-window limit across all accounts (one address guessing many);
 * - per account and IP, exponential backoff (one address guessing one account);
 * - per account across all IPs, backoff that starts only past what one IP may try in a window
 *   (many addresses guessing one account), capped at half a minute so the owner is slowed, not
 *   locked out.
 * Memory is bounded by LRU maps. The counts of the keys a login touches are loaded from and saved
 * to Postgres around it (lib/auth/throttle-store.ts), so replicas share one limit.
 */
export class LoginThrottle {
  readonly perIp: FailureLimiter;
  readonly perAccountIp: BackoffLimiter;
  readonly perAccount: BackoffLimiter;

  constructor(opts: { ipMaxFailures: number; windowMs: number; backoffCapMs: number; accountFreeFailures: number; maxKeys?: number }, now: () => number = Date.now) {
    const maxKeys = opts.maxKeys ?? 10_000;
    this.perIp = new FailureLimiter(opts.ipMaxFailures, opts.windowMs, now, maxKeys);
    this.perAccountIp = new BackoffLimiter({ freeFailures: 3, baseMs: 1000, capMs: opts.backoffCapMs, forgetAfterMs: opts.windowMs }, now, maxKeys);
    this.perAccount = new BackoffLimiter(
      { freeFailures: opts.accountFreeFailures, baseMs: 1000, capMs: Math.min(30_000, opts.backoffCapMs), forgetAfterMs: opts.windowMs },
      now,
      maxKeys,
    );
  }

  /** The keys one login attempt is counted under, by limiter. */
  keysFor(email: string, ip: string | null): { perIp: string | null; perAccountIp: string; perAccount: string } {
    const account = accountKey(email);
    return { perIp: ip ? `ip:${ip}` : null, perAccountIp: `${account}|ip:${ip ?? "unknown"}`, perAccount: account };
  }

  /** Seconds before this email may be tried from this IP, or 0. */
  retryAfter(email: string, ip: string | null): number {
    const account = accountKey(email);
    return Math.max(
      ip ? this.perIp.retryAfter([`ip:${ip}`]) : 0,
      ip ? this.perAccountIp.retryAfter([`${account}|ip:${ip}`]) : 0,
      this.perAccount.retryAfter([account]),
    );
  }

  assertAllowed(email: string, ip: string | null): void {
    const wait = this.retryAfter(email, ip);
    if (wait > 0) throw new AppError("RATE_LIMITED", `Too many failed attempts; try again in ${wait} s`, { retryAfterSeconds: wait });
  }

  fail(email: string, ip: string | null): void {
    const account = accountKey(email);
    if (ip) {
      this.perIp.fail([`ip:${ip}`]);
      this.perAccountIp.fail([`${account}|ip:${ip}`]);
    } else {
      this.perAccountIp.fail([this.keysFor(email, ip).perAccountIp]);
    }
    this.perAccount.fail([account]);
  }

  /** The right password proves the owner: their account's delays end (the IP's count stays). */
  succeed(email: string, ip: string | null): void {
    const account = accountKey(email);
    this.perAccount.reset(account);
    this.perAccountIp.reset(`${account}|ip:${ip ?? "unknown"}`);
  }
}

function accountKey(email: string): string {
  return `account:${email.trim().toLowerCase()}`;
}

const holder = globalThis as unknown as { berthLoginThrottle?: LoginThrottle };

export function loginThrottle(): LoginThrottle {
  const s = settings();
  holder.berthLoginThrottle ??= new LoginThrottle({
    ipMaxFailures: s.BERTH_LOGIN_MAX_FAILURES,
    windowMs: s.BERTH_LOGIN_WINDOW_SECONDS * 1000,
    backoffCapMs: s.BERTH_LOGIN_BACKOFF_MAX_SECONDS * 1000,
    // Past what one IP may fail in a window, so only many addresses together slow an account for everyone.
    accountFreeFailures: s.BERTH_LOGIN_MAX_FAILURES * 2,
  });
  return holder.berthLoginThrottle;
}

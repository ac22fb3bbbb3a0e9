import { settings } from "../env";
import { AppError } from "../errors";

/**
 * Counts failed logins per key (an IP, an account) in a sliding window. In-memory: one console
 * process holds the truth. With several console replicas each counts its own share, which still
 * bounds guessing to replicas × limit per window.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

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

  assertAllowed(keys: string[]): void {
    const wait = this.retryAfter(keys);
    if (wait > 0) {
      throw new AppError("RATE_LIMITED", `Too many failed attempts; try again in ${wait} s`, { retryAfterSeconds: wait });
    }
  }

  fail(keys: string[]): void {
    const at = this.now();
    for (const key of keys) this.failures.set(key, [...this.recent(key), at]);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}

const holder = globalThis as unknown as { berthLoginLimiter?: FailureLimiter };

export function loginLimiter(): FailureLimiter {
  holder.berthLoginLimiter ??= new FailureLimiter(
    settings().BERTH_LOGIN_MAX_FAILURES,
    settings().BERTH_LOGIN_WINDOW_SECONDS * 1000,
  );
  return holder.berthLoginLimiter;
}

export function loginKeys(email: string, ip: string | null): string[] {
  return [`account:${email.trim().toLowerCase()}`, ...(ip ? [`ip:${ip}`] : [])];
}

import { describe, expect, it } from "vitest";
import { FailureLimiter, loginKeys } from "@/lib/auth/rate-limit";
import { AppError } from "@/lib/errors";

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const WINDOW = 60_000;

describe("FailureLimiter", () => {
  it("allows up to max-1 failures and blocks at max", () => {
    const t = clock();
    const limiter = new FailureLimiter(5, WINDOW, t.now);
    const keys = ["account:a@b.c"];
    for (let i = 0; i < 4; i++) {
      limiter.fail(keys);
      expect(limiter.retryAfter(keys)).toBe(0);
      expect(() => limiter.assertAllowed(keys)).not.toThrow();
    }
    limiter.fail(keys);
    expect(limiter.retryAfter(keys)).toBe(60);
    expect(() => limiter.assertAllowed(keys)).toThrow(AppError);
  });

  it("throws RATE_LIMITED (429) with retryAfterSeconds in the details", () => {
    const t = clock();
    const limiter = new FailureLimiter(1, WINDOW, t.now);
    limiter.fail(["ip:1.2.3.4"]);
    t.advance(10_500);
    let caught: unknown;
    try {
      limiter.assertAllowed(["ip:1.2.3.4"]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    const e = caught as AppError;
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.status).toBe(429);
    expect(e.details).toEqual({ retryAfterSeconds: 50 });
  });

  it("slides: each failure expires one window after it happened", () => {
    const t = clock();
    const limiter = new FailureLimiter(3, WINDOW, t.now);
    const keys = ["account:x"];
    limiter.fail(keys); // t0
    t.advance(20_000);
    limiter.fail(keys); // t0+20s
    t.advance(20_000);
    limiter.fail(keys); // t0+40s → blocked until the first one leaves at t0+60s
    expect(limiter.retryAfter(keys)).toBe(20);
    t.advance(19_999);
    expect(limiter.retryAfter(keys)).toBe(1);
    t.advance(1);
    expect(limiter.retryAfter(keys)).toBe(0); // t0 is out: two failures left in the window
    limiter.fail(keys); // three again: the oldest in window is t0+20s
    expect(limiter.retryAfter(keys)).toBe(20);
    t.advance(WINDOW);
    expect(limiter.retryAfter(keys)).toBe(0);
  });

  it("with more failures than the limit, waits until enough of them have left", () => {
    const t = clock();
    const limiter = new FailureLimiter(2, WINDOW, t.now);
    const keys = ["k"];
    for (let i = 0; i < 4; i++) {
      limiter.fail(keys);
      t.advance(10_000);
    }
    // Failures at 0, 10, 20, 30 s; now 40 s. Under the limit again once only one is left: after 20 s leaves, at 80 s.
    expect(limiter.retryAfter(keys)).toBe(40);
  });

  it("rounds the wait up to whole seconds", () => {
    const t = clock();
    const limiter = new FailureLimiter(1, WINDOW, t.now);
    limiter.fail(["k"]);
    t.advance(59_001);
    expect(limiter.retryAfter(["k"])).toBe(1);
  });

  it("keeps keys apart, and any one blocked key blocks the attempt", () => {
    const t = clock();
    const limiter = new FailureLimiter(2, WINDOW, t.now);
    limiter.fail(["account:a", "ip:1"]);
    limiter.fail(["account:b", "ip:1"]);
    expect(limiter.retryAfter(["account:a"])).toBe(0);
    expect(limiter.retryAfter(["account:b"])).toBe(0);
    expect(limiter.retryAfter(["ip:1"])).toBe(60);
    expect(limiter.retryAfter(["account:c", "ip:1"])).toBe(60);
    expect(limiter.retryAfter(["account:c", "ip:2"])).toBe(0);
  });

  it("reset clears one key only", () => {
    const t = clock();
    const limiter = new FailureLimiter(1, WINDOW, t.now);
    limiter.fail(["account:a", "ip:1"]);
    limiter.reset("account:a");
    expect(limiter.retryAfter(["account:a"])).toBe(0);
    expect(limiter.retryAfter(["ip:1"])).toBe(60);
  });
});

describe("loginKeys", () => {
  it("normalises the account and adds the IP when known", () => {
    expect(loginKeys("  Alice@Example.COM ", "10.0.0.1")).toEqual(["account:alice@example.com", "ip:10.0.0.1"]);
    expect(loginKeys("a@b.c", null)).toEqual(["account:a@b.c"]);
    expect(loginKeys("a@b.c", "")).toEqual(["account:a@b.c"]);
  });
});

import { describe, expect, it } from "vitest";
import { BackoffLimiter, FailureLimiter, LoginThrottle, LruMap } from "@/lib/auth/rate-limit";
import { clientAddress } from "@/lib/http/client-ip";
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
    }
    limiter.fail(keys);
    expect(limiter.retryAfter(keys)).toBe(60);
  });

  it("throws RATE_LIMITED (429) with retryAfterSeconds in the details", () => {
    const t = clock();
    const throttle = new LoginThrottle({ ipMaxFailures: 1, windowMs: WINDOW, backoffCapMs: 300_000, accountFreeFailures: 10 }, t.now);
    throttle.fail("a@b.c", "1.2.3.4");
    t.advance(10_500);
    let caught: unknown;
    try {
      throttle.assertAllowed("other@b.c", "1.2.3.4");
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

describe("LruMap", () => {
  it("forgets the least recently touched key past its size", () => {
    const m = new LruMap<number>(3);
    m.set("a", 1);
    m.set("b", 2);
    m.set("c", 3);
    expect(m.get("a")).toBe(1); // a is now the most recent
    m.set("d", 4);
    expect(m.size).toBe(3);
    expect(m.get("b")).toBeUndefined();
    expect([m.get("a"), m.get("c"), m.get("d")]).toEqual([1, 3, 4]);
  });

  it("stays bounded however many distinct keys fail", () => {
    const limiter = new FailureLimiter(5, WINDOW, Date.now, 1000);
    for (let i = 0; i < 50_000; i++) limiter.fail([`ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`]);
    expect(limiter.trackedKeys).toBe(1000);
  });
});

describe("BackoffLimiter", () => {
  const policy = { freeFailures: 3, baseMs: 1000, capMs: 8000, forgetAfterMs: WINDOW };

  it("lets the free failures through, then doubles the wait up to the cap", () => {
    const t = clock();
    const b = new BackoffLimiter(policy, t.now);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.fail(["k"]);
      waits.push(b.retryAfter(["k"]));
      t.advance(b.retryAfter(["k"]) * 1000); // the caller waits as told, then fails again
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 8]);
  });

  it("forgets a key whose last failure is a window old, and reset clears it", () => {
    const t = clock();
    const b = new BackoffLimiter(policy, t.now);
    for (let i = 0; i < 5; i++) b.fail(["k"]);
    expect(b.retryAfter(["k"])).toBe(2);
    t.advance(WINDOW + 1);
    b.fail(["k"]);
    expect(b.retryAfter(["k"])).toBe(0); // counted from one again
    for (let i = 0; i < 5; i++) b.fail(["j"]);
    b.reset("j");
    expect(b.retryAfter(["j"])).toBe(0);
  });
});

describe("LoginThrottle", () => {
  const opts = { ipMaxFailures: 20, windowMs: 900_000, backoffCapMs: 300_000, accountFreeFailures: 40 };

  it("50 wrong passwords from one IP slow that IP but not the account's owner on another IP", () => {
    const t = clock();
    const throttle = new LoginThrottle(opts, t.now);
    let refused = 0;
    for (let i = 0; i < 50; i++) {
      if (throttle.retryAfter("admin@x", "198.18.0.1") > 0) refused++;
      else throttle.fail("admin@x", "198.18.0.1");
      t.advance(100);
    }
    expect(refused).toBeGreaterThan(40);
    expect(throttle.retryAfter("admin@x", "198.18.0.1")).toBeGreaterThan(0);
    expect(throttle.retryAfter("admin@x", "198.18.0.2")).toBe(0);
  });

  it("an IP that fails across many accounts hits the per-IP limit", () => {
    const t = clock();
    const throttle = new LoginThrottle(opts, t.now);
    for (let i = 0; i < 20; i++) throttle.fail(`user${i}@x`, "198.18.0.3");
    expect(throttle.retryAfter("fresh@x", "198.18.0.3")).toBe(900);
    expect(throttle.retryAfter("fresh@x", "198.18.0.4")).toBe(0);
  });

  it("many IPs guessing one account slow it down by at most 30 s, and the owner's success ends it", () => {
    const t = clock();
    const throttle = new LoginThrottle(opts, t.now);
    for (let i = 0; i < 60; i++) throttle.fail("victim@x", `198.19.0.${i}`);
    const wait = throttle.retryAfter("victim@x", "198.18.9.9");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);
    t.advance(wait * 1000);
    throttle.succeed("victim@x", "198.18.9.9");
    expect(throttle.retryAfter("victim@x", "198.18.9.9")).toBe(0);
  });

  it("a key's snapshot restored into another replica's throttle gives the same wait; restoring nothing forgets it", () => {
    const t = clock();
    const here = new LoginThrottle(opts, t.now);
    const there = new LoginThrottle(opts, t.now);
    for (let i = 0; i < 8; i++) here.fail("shared@x", "198.18.7.7");
    const keys = here.keysFor("shared@x", "198.18.7.7");
    expect(keys.perIp).toBe("ip:198.18.7.7");
    there.perIp.restore(keys.perIp!, here.perIp.snapshot(keys.perIp!));
    there.perAccountIp.restore(keys.perAccountIp, here.perAccountIp.snapshot(keys.perAccountIp));
    there.perAccount.restore(keys.perAccount, here.perAccount.snapshot(keys.perAccount));
    expect(here.retryAfter("shared@x", "198.18.7.7")).toBeGreaterThan(0);
    expect(there.retryAfter("shared@x", "198.18.7.7")).toBe(here.retryAfter("shared@x", "198.18.7.7"));
    there.perAccountIp.restore(keys.perAccountIp, undefined);
    there.perAccount.restore(keys.perAccount, undefined);
    expect(there.retryAfter("shared@x", "198.18.7.7")).toBe(0);
    // Failure times older than the window are not handed on.
    t.advance(opts.windowMs + 1);
    expect(here.perIp.snapshot(keys.perIp!)).toBeUndefined();
  });
});

describe("clientAddress", () => {
  it("takes the entry the trusted proxies wrote, counting from the right", () => {
    expect(clientAddress("6.6.6.6, 203.0.113.7", "10.0.0.2", 1)).toBe("203.0.113.7");
    expect(clientAddress("6.6.6.6, 203.0.113.7, 10.0.0.9", "10.0.0.2", 2)).toBe("203.0.113.7");
    expect(clientAddress(["6.6.6.6", "203.0.113.7"], "10.0.0.2", 1)).toBe("203.0.113.7");
  });

  it("ignores the header without trusted proxies, and falls back to the socket without a header", () => {
    expect(clientAddress("6.6.6.6", "::ffff:10.0.0.2", 0)).toBe("10.0.0.2");
    expect(clientAddress(undefined, "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(clientAddress(" , ", "10.0.0.2", 1)).toBe("10.0.0.2");
  });

  it("with fewer entries than trusted hops, takes the leftmost", () => {
    expect(clientAddress("203.0.113.7", "10.0.0.2", 2)).toBe("203.0.113.7");
  });
});

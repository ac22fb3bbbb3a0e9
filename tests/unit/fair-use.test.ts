import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { StreamSlots, TokenBucket } from "@/lib/streams/fair-use";

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("was not refused");
}

describe("StreamSlots", () => {
  it("refuses a user past their cap with RATE_LIMITED naming it, per kind, and a release frees the slot once", () => {
    const slots = new StreamSlots(() => ({ perUser: 2, perTeam: 10 }));
    const a = slots.acquire("logs", "u1", "t1");
    slots.acquire("logs", "u1", "t1");
    const err = refusal(() => slots.acquire("logs", "u1", "t1"));
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.message).toContain("2 log streams");
    expect(err.details).toMatchObject({ cap: "user", limit: 2, kind: "logs" });
    // Other kinds and other users are counted apart.
    expect(() => slots.acquire("terminal", "u1", "t1")).not.toThrow();
    expect(() => slots.acquire("logs", "u2", "t1")).not.toThrow();
    a();
    a();
    expect(slots.count("logs", "user", "u1")).toBe(1);
    expect(() => slots.acquire("logs", "u1", "t1")).not.toThrow();
    expect(() => slots.acquire("logs", "u1", "t1")).toThrow(AppError);
  });

  it("refuses a team past its cap whoever asks, while another team still gets slots", () => {
    const slots = new StreamSlots(() => ({ perUser: 5, perTeam: 3 }));
    slots.acquire("metrics", "u1", "t1");
    slots.acquire("metrics", "u2", "t1");
    slots.acquire("metrics", "u3", "t1");
    const err = refusal(() => slots.acquire("metrics", "u4", "t1"));
    expect(err.details).toMatchObject({ cap: "team", limit: 3 });
    expect(err.message).toContain("Your team has 3 live metrics subscriptions");
    expect(() => slots.acquire("metrics", "u4", "t2")).not.toThrow();
    // A refused acquire took nothing.
    expect(slots.count("metrics", "user", "u4")).toBe(1);
    expect(slots.count("metrics", "team", "t1")).toBe(3);
  });
});

describe("TokenBucket", () => {
  it("allows a burst, then the average rate", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 20, () => now);
    let allowed = 0;
    for (let i = 0; i < 50; i++) if (bucket.take()) allowed++;
    expect(allowed).toBe(20);
    now += 500; // half a second: 5 more
    allowed = 0;
    for (let i = 0; i < 50; i++) if (bucket.take()) allowed++;
    expect(allowed).toBe(5);
    now += 60_000; // refills only up to the burst
    allowed = 0;
    for (let i = 0; i < 50; i++) if (bucket.take()) allowed++;
    expect(allowed).toBe(20);
  });
});

import { describe, expect, it } from "vitest";
import { hashSecret, newSecret, sameSecret } from "@/lib/auth/secrets";

describe("newSecret", () => {
  it("carries at least 128 random bits after a readable prefix", () => {
    const s = newSecret("berth");
    expect(s).toMatch(/^berth_[A-Za-z0-9_-]+$/);
    const raw = Buffer.from(s.slice("berth_".length), "base64url");
    expect(raw.length * 8).toBeGreaterThanOrEqual(128);
  });

  it("never repeats and uses the whole alphabet (no constant bytes)", () => {
    const seen = new Set<string>();
    const firstBytes = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const s = newSecret("x");
      seen.add(s);
      firstBytes.add(Buffer.from(s.slice(2), "base64url")[0]);
    }
    expect(seen.size).toBe(2000);
    expect(firstBytes.size).toBeGreaterThan(200);
  });
});

describe("hashSecret", () => {
  it("is sha256 hex: stable, and different for different secrets", () => {
    expect(hashSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const s = newSecret("berth");
    expect(hashSecret(s)).toBe(hashSecret(s));
    expect(hashSecret(s)).not.toBe(hashSecret(`${s}x`));
    expect(hashSecret(s)).not.toContain(s);
  });
});

describe("sameSecret", () => {
  it("compares exactly, including length", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abd")).toBe(false);
    expect(sameSecret("abc", "abcd")).toBe(false);
    expect(sameSecret("", "")).toBe(true);
  });
});

import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

// settings() reads process.env once per module instance; this file gets its own instance.
const BERTH_URL = "http://localhost:3300";
let isAllowedOrigin: (origin: string | null | undefined) => boolean;

beforeAll(async () => {
  process.env.BERTH_URL = BERTH_URL;
  delete process.env.BERTH_ALLOWED_ORIGINS;
  ({ isAllowedOrigin } = await import("@/lib/auth/origin"));
});

afterEach(() => {
  delete process.env.BERTH_ALLOWED_ORIGINS;
});

describe("isAllowedOrigin", () => {
  it("accepts BERTH_URL's origin, however it is spelled", () => {
    expect(isAllowedOrigin("http://localhost:3300")).toBe(true);
    expect(isAllowedOrigin("http://localhost:3300/")).toBe(true);
    expect(isAllowedOrigin("http://LOCALHOST:3300")).toBe(true);
    expect(isAllowedOrigin("http://localhost:3300/some/path?q=1")).toBe(true);
  });

  it("refuses another port, scheme or host", () => {
    expect(isAllowedOrigin("http://localhost:3301")).toBe(false);
    expect(isAllowedOrigin("https://localhost:3300")).toBe(false);
    expect(isAllowedOrigin("http://127.0.0.1:3300")).toBe(false);
    expect(isAllowedOrigin("http://localhost")).toBe(false);
    expect(isAllowedOrigin("http://evil.example")).toBe(false);
  });

  it("refuses look-alikes", () => {
    expect(isAllowedOrigin("http://localhost:3300.evil.example")).toBe(false);
    expect(isAllowedOrigin("http://localhost:3300@evil.example")).toBe(false);
    expect(isAllowedOrigin("http://evil.example/http://localhost:3300")).toBe(false);
  });

  it("refuses missing, empty, opaque and malformed origins", () => {
    expect(isAllowedOrigin(undefined)).toBe(false);
    expect(isAllowedOrigin(null)).toBe(false);
    expect(isAllowedOrigin("")).toBe(false);
    expect(isAllowedOrigin("null")).toBe(false);
    expect(isAllowedOrigin("not a url")).toBe(false);
    expect(isAllowedOrigin("localhost:3300")).toBe(false);
  });

  it("also accepts each origin in BERTH_ALLOWED_ORIGINS, and only those", async () => {
    expect(isAllowedOrigin("https://berth.example.com")).toBe(false);
    // Settings are read once per process: a console started with the setting (a fresh module here).
    process.env.BERTH_ALLOWED_ORIGINS = " https://berth.example.com/ , http://10.0.0.5:3300";
    vi.resetModules();
    const started = (await import("@/lib/auth/origin")).isAllowedOrigin;
    expect(started("https://berth.example.com")).toBe(true);
    expect(started("http://10.0.0.5:3300")).toBe(true);
    expect(started("http://berth.example.com")).toBe(false);
    expect(started(BERTH_URL)).toBe(true);
  });
});

import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { crashCandidate } from "@/lib/alerts/rules";
import { retryDelaySeconds, signBody } from "@/lib/alerts/webhooks/deliver";
import { settings } from "@/lib/env";
import { ZWebhookCreate } from "@/lib/protocol/alerts";

describe("webhook signing and backoff", () => {
  it("signs the exact body with HMAC-SHA256, hex, sha256= prefixed", () => {
    const body = JSON.stringify({ text: "hi", alert: null });
    expect(signBody("k", body)).toBe(`sha256=${createHmac("sha256", "k").update(body).digest("hex")}`);
    expect(signBody("k", body)).not.toBe(signBody("k", `${body} `));
  });

  it("doubles from the base, caps at 10 minutes, and jitters within ±25 %", () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, 10, 0.5))).toEqual([10, 20, 40, 80]);
    expect(retryDelaySeconds(30, 10, 0.5)).toBe(600);
    expect(retryDelaySeconds(1, 10, 0)).toBe(7.5);
    expect(retryDelaySeconds(1, 10, 1)).toBe(12.5);
  });
});

describe("webhook URLs", () => {
  const ok = (url: string) => ZWebhookCreate.safeParse({ url, secret: "12345678" }).success;
  it("takes http and https only, without credentials", () => {
    expect(ok("https://hooks.slack.com/services/T/B/X")).toBe(true);
    expect(ok("http://127.0.0.1:8080/hook")).toBe(true);
    for (const bad of ["ftp://x.test/", "file:///etc/passwd", "javascript:alert(1)", "//x.test", "x.test/hook", "https://u:p@x.test/"]) expect(ok(bad)).toBe(false);
  });
});

describe("crash_loop", () => {
  const s = settings();
  const container = (exitsSecondsAgo: number[], now: number) => ({
    id: "c1",
    name: "web",
    memoryPercent: 100,
    oomKills: 0,
    lastOomCause: null,
    recentExits: exitsSecondsAgo.map((ago) => new Date(now - ago * 1000)),
    set: { id: "s1", teamId: "t1", appId: "a1", hostId: "h1", ordinal: 0, memoryMiB: 64, app: { name: "shop" } },
  });
  const now = Date.now();
  const many = Array.from({ length: s.BERTH_ALERT_CRASH_RESTARTS + 1 }, (_, i) => s.BERTH_ALERT_CRASH_RESTARTS + 1 - i);

  it("fires past N exits within the window", () => {
    expect(crashCandidate(container(many, now), now)).toMatchObject({ rule: "crash_loop", object: { kind: "container", id: "c1", name: "shop-0/web" }, setId: "s1" });
    expect(crashCandidate(container(many.slice(1), now), now)).toBeNull();
  });

  it("clears once the container has run the clear time since its last exit, or the exits left the window", () => {
    const quiet = many.map((ago) => ago + s.BERTH_ALERT_CLEAR_SECONDS);
    expect(crashCandidate(container(quiet, now), now)).toBeNull();
    const old = many.map((ago) => ago + s.BERTH_ALERT_CRASH_WINDOW_SECONDS);
    expect(crashCandidate(container(old, now), now)).toBeNull();
  });
});

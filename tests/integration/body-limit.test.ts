import http from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import { adminApi, expectError, uniqueIp } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { consoleRssBytes } from "../helpers/proc";

const c = consoleInfo();
const MIB = 1024 * 1024;
const HUGE = 300 * MIB;

interface TSent {
  status: number;
  body: string;
  ms: number;
  /** Bytes this client managed to write before the console answered. */
  sentBeforeAnswer: number;
}

/**
 * Sends up to `total` bytes of `{"x":"aaaa…` in 64 KiB chunks, declared with Content-Length or
 * chunked, and stops writing as soon as the console answers (as a real client would).
 */
function sendLarge(path: string, total: number, opts: { chunked: boolean; contentType?: string; token?: string }): Promise<TSent> {
  const url = new URL(path, c.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string> = { "content-type": opts.contentType ?? "application/json", "x-forwarded-for": uniqueIp() };
    if (!opts.chunked) headers["content-length"] = String(total);
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const req = http.request(url, { method: "POST", headers }, (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8"), ms: Date.now() - started, sentBeforeAnswer });
        req.destroy();
      });
    });
    req.on("error", (err) => {
      // The console may close the connection right after its answer; only an unanswered error is one.
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = (): void => {
      while (!answered && sent < total) {
        const piece = sent === 0 ? Buffer.concat([Buffer.from('{"x":"'), chunk.subarray(6)]) : chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const PATHS = ["/api/v1/auth/token", "/api/v1/teams", "/api/auth/callback/credentials"];
const contentTypeFor = (path: string) => (path.startsWith("/api/auth") ? "application/x-www-form-urlencoded" : "application/json");

describe("request body cap (BERTH_MAX_BODY_BYTES, 1 MiB by default)", () => {
  beforeAll(async () => {
    // Memory is compared before and after: a dev console compiling a route on first use must not count.
    const admin = await adminApi(c);
    for (const path of PATHS) await sendLarge(path, 2 * MIB, { chunked: true, contentType: contentTypeFor(path), token: admin.auth.token });
  });

  it("a declared 300 MB body to the login endpoint answers 413 before it is read, and memory does not follow it", async () => {
    const before = consoleRssBytes(c.pid);
    expect(before).toBeGreaterThan(0);
    const res = await sendLarge("/api/v1/auth/token", HUGE, { chunked: false });
    const after = consoleRssBytes(c.pid);
    expect(res.status, res.body).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE", details: { maxBytes: MIB } } });
    // The answer came long before the client could push 300 MB.
    expect(res.sentBeforeAnswer).toBeLessThan(HUGE / 2);
    console.log(`[body-limit] declared 300 MB: 413 in ${res.ms} ms after ${(res.sentBeforeAnswer / MIB).toFixed(1)} MiB sent; console RSS ${(before / MIB).toFixed(0)} → ${(after / MIB).toFixed(0)} MiB`);
    expect(after - before).toBeLessThan(64 * MIB);
  });

  it("a chunked 300 MB body (no Content-Length) is cut off at the cap while streaming, on API and login routes", async () => {
    const admin = await adminApi(c);
    const before = consoleRssBytes(c.pid);
    for (const path of PATHS) {
      const res = await sendLarge(path, HUGE, { chunked: true, contentType: contentTypeFor(path), token: admin.auth.token });
      expect(res.status, `${path}: ${res.body}`).toBe(413);
      expect(res.sentBeforeAnswer, path).toBeLessThan(HUGE / 2);
      console.log(`[body-limit] chunked 300 MB to ${path}: 413 in ${res.ms} ms after ${(res.sentBeforeAnswer / MIB).toFixed(1)} MiB sent`);
    }
    const after = consoleRssBytes(c.pid);
    console.log(`[body-limit] console RSS ${(before / MIB).toFixed(0)} → ${(after / MIB).toFixed(0)} MiB`);
    expect(after - before).toBeLessThan(64 * MIB);
  });

  it("a body just under the cap is read and judged on its content", async () => {
    const admin = await adminApi(c);
    const res = await admin.post("/api/v1/teams", { name: "x".repeat(MIB - 100) });
    expectError(res, 400, "VALIDATION");
  });

  it("JSON nested deeper than 32 levels is refused with 400 and creates nothing", async () => {
    const admin = await adminApi(c);
    const before = await admin.get("/api/v1/teams");
    const deep = `{"name":"deep","slug":"deep-nest","x":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const res = await admin.request("POST", "/api/v1/teams", undefined, { rawBody: deep, headers: { "content-type": "application/json" } });
    const err = expectError(res, 400, "VALIDATION");
    expect(err.message).toMatch(/deeper than 32/);
    const after = await admin.get("/api/v1/teams");
    expect(after.text).toBe(before.text);
  });
});

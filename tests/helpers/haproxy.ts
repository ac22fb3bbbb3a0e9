import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./console";

export interface TProxy {
  url: string;
  stop(): Promise<void>;
}

/**
 * The README's haproxy configuration for console replicas (section "Several console replicas"):
 * round robin, health-checked, WebSocket upgrades passed through, and a cookie that keeps a
 * browser's Socket.IO long-polling requests on the replica that holds its session.
 */
export function haproxyConfig(bind: string, replicas: Array<{ name: string; address: string }>): string {
  return [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 60s",
    "  timeout server 60s",
    "  timeout tunnel 1h",
    "  option forwardfor",
    "frontend berth",
    `  bind ${bind}`,
    "  default_backend consoles",
    "backend consoles",
    "  balance roundrobin",
    "  option httpchk GET /api/health",
    "  http-check expect status 200",
    "  cookie berth_replica insert indirect nocache httponly",
    ...replicas.map((r) => `  server ${r.name} ${r.address} check inter 2s cookie ${r.name}`),
    "",
  ].join("\n");
}

/**
 * Debian's haproxy in the foreground in front of `replicas`, on a free loopback port, or on
 * `opts.port` when the replicas must know the proxy's address before it runs (their one
 * BERTH_URL, the origin browsers use, as the README asks).
 */
export async function startHaproxy(replicas: Array<{ name: string; address: string }>, opts: { port?: number } = {}): Promise<TProxy> {
  const port = opts.port ?? (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-haproxy-"));
  const cfg = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(cfg, haproxyConfig(`127.0.0.1:${port}`, replicas));
  const child: ChildProcess = spawn("haproxy", ["-db", "-f", cfg], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${out.slice(-800)}`);
    const up = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`haproxy did not answer within 15 s: ${out.slice(-800)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: server.ts, .next and prisma/ live here. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type TConsoleMode = "dev" | "prod";

/** What tests need to reach a console; plain data so a globalSetup can `provide` it. */
export interface TConsoleInfo {
  url: string;
  port: number;
  adminEmail: string;
  adminPassword: string;
  databaseUrl: string;
  dataDir: string;
  pgPort: number;
  /** Berth's registry as image references name it (`127.0.0.1:port`). */
  registry: string;
  pid: number;
  mode: TConsoleMode;
}

export interface TConsole extends TConsoleInfo {
  /** The last lines the console printed (stdout and stderr), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export interface TStartOptions {
  /** Extra or overriding environment for the console process. */
  env?: Record<string, string>;
  /** Defaults to BERTH_TEST_MODE, else prod when `.next/BUILD_ID` exists, else dev. */
  mode?: TConsoleMode;
  /** How long to wait for /api/health to answer 200. */
  startTimeoutMs?: number;
}

/** prod when a `next build` output exists, dev otherwise; BERTH_TEST_MODE=dev|prod overrides. */
export function consoleMode(): TConsoleMode {
  const forced = process.env.BERTH_TEST_MODE;
  if (forced === "dev" || forced === "prod") return forced;
  if (forced) throw new Error(`BERTH_TEST_MODE must be "dev" or "prod", not ${JSON.stringify(forced)}`);
  return fs.existsSync(path.join(REPO_ROOT, ".next", "BUILD_ID")) ? "prod" : "dev";
}

/** A port nothing listens on right now (the kernel picks it; released before we return). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") {
        srv.close();
        reject(new Error("could not read the port of a probe listener"));
        return;
      }
      const { port } = addr;
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Next 16 allows one `next dev` per project directory (.next/dev/lock). Say so plainly instead of
 * letting the console die with Next's message buried in its log.
 */
function assertDevLockFree(): void {
  const lock = path.join(REPO_ROOT, ".next", "dev", "lock");
  if (!fs.existsSync(lock)) return;
  let holder: { pid?: unknown; appUrl?: unknown };
  try {
    holder = JSON.parse(fs.readFileSync(lock, "utf8")) as { pid?: unknown; appUrl?: unknown };
  } catch (err) {
    // An empty or half-written lock file: Next itself decides whether it is stale.
    console.warn(`[console harness] unreadable ${lock}: ${(err as Error).message}`);
    return;
  }
  if (typeof holder.pid === "number" && processAlive(holder.pid)) {
    throw new Error(
      `A next dev server (pid ${holder.pid}, ${String(holder.appUrl)}) holds ${lock}; Next allows one per directory. ` +
        "Stop it, or run `npx next build` so the tests start the console in production mode (or set BERTH_TEST_MODE=prod).",
    );
  }
}

/** Waits for `child` to exit, up to `ms`; true when it did. */
function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once("exit", onExit);
  });
}

/** Kills the console's whole process group (it and the Postgres it spawned). */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Consoles this process started and has not stopped yet: pid → data dir. */
const running = new Map<number, string>();
let exitHookInstalled = false;

/**
 * If the test process exits without teardown (Ctrl-C, a crash), do not leave consoles, their
 * Postgres or their data dirs behind. Only synchronous work is possible here.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const [pid, dir] of running) {
      killGroup(pid, "SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
  });
}

async function waitForHealth(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`console exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`console did not answer /api/health with 200 within ${timeoutMs} ms (last: ${last}):\n${logs()}`);
}

/**
 * Starts a real console (`node --import tsx server.ts`) on a free port with a fresh data dir and
 * its own embedded Postgres on another free port, and waits until /api/health answers 200.
 */
export async function startConsole(opts: TStartOptions = {}): Promise<TConsole> {
  // A probed port can be taken by someone else before the console binds it: try again once.
  try {
    return await startOnce(opts);
  } catch (err) {
    if (!/EADDRINUSE|Address already in use|could not bind/i.test((err as Error).message)) throw err;
    console.warn("[console harness] a port was taken before the console could bind it; retrying with new ports");
    return startOnce(opts);
  }
}

async function startOnce(opts: TStartOptions): Promise<TConsole> {
  const mode = opts.mode ?? consoleMode();
  if (mode === "dev") assertDevLockFree();
  const port = await freePort();
  let pgPort = await freePort();
  while (pgPort === port) pgPort = await freePort();
  let registryPort = await freePort();
  while (registryPort === port || registryPort === pgPort) registryPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-test-"));
  // Postgres runs as the unprivileged `postgres` user when we are root: it must reach its dir.
  fs.chmodSync(dataDir, 0o755);
  const url = `http://localhost:${port}`;
  const adminEmail = `admin-${randomBytes(3).toString("hex")}@berth.test`;
  const adminPassword = `pw-${randomBytes(12).toString("base64url")}`;

  // Nothing of the caller's Berth or database settings leaks into the console under test.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith("BERTH_") && !k.startsWith("NEXTAUTH_") && k !== "DATABASE_URL" && k !== "PORT" && k !== "NODE_ENV",
    ),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: mode === "prod" ? "production" : "development",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    BERTH_BIND: "127.0.0.1",
    BERTH_URL: url,
    BERTH_DATA_DIR: dataDir,
    BERTH_PG_PORT: String(pgPort),
    BERTH_REGISTRY_PORT: String(registryPort),
    BERTH_ADMIN_EMAIL: adminEmail,
    BERTH_ADMIN_PASSWORD: adminPassword,
    BERTH_TRUST_PROXY: "1",
    // Short timers so failover is testable in seconds: Unreachable after 3 s of silence, sets
    // rescheduled after 8 s, reconciler every second. No local agent: tests start their own.
    BERTH_HOST_GRACE_SECONDS: "3",
    BERTH_RESCHEDULE_SECONDS: "8",
    BERTH_RECONCILE_SECONDS: "1",
    // Autoscale tests measure seconds of load, not minutes.
    BERTH_AUTOSCALE_SECONDS: "1",
    BERTH_AUTOSCALE_WINDOW_SECONDS: "5",
    BERTH_LOCAL_AGENT: "0",
    // A set's writable layers are flagged past 64 MiB (of its disk size): a test can go over it
    // with a small write (tests/e2e/set-safety.e2e.test.ts). Flagged only: nothing is enforced.
    BERTH_ROOTFS_SHARE_MIN_MIB: "64",
    // Alerts in seconds (tests/integration/alerts*.test.ts): rules every second, an OOM or crash
    // loop resolves after 8 quiet seconds, a set is unhealthy after 5 s, webhook retries from 1 s.
    BERTH_ALERT_EVAL_SECONDS: "1",
    BERTH_ALERT_CLEAR_SECONDS: "8",
    BERTH_ALERT_CRASH_RESTARTS: "2",
    BERTH_ALERT_CRASH_WINDOW_SECONDS: "120",
    BERTH_ALERT_UNHEALTHY_SECONDS: "5",
    BERTH_WEBHOOK_RETRY_BASE_SECONDS: "1",
    BERTH_WEBHOOK_TIMEOUT_SECONDS: "3",
    ...opts.env,
  };

  // Node flags for the console alone, for finding what a bench spends time or memory on (e.g.
  // `--cpu-prof --cpu-prof-dir=/tmp/prof`, `--heapsnapshot-signal=SIGUSR2`); NODE_OPTIONS refuses some.
  const nodeFlags = (process.env.BERTH_TEST_CONSOLE_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", "server.ts"], {
    cwd: REPO_ROOT,
    env,
    detached: true, // own process group, so stop() can take Postgres down with it
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn the console");
  running.set(pid, dataDir);
  installExitHook();

  const tail: string[] = [];
  const echo = process.env.BERTH_TEST_CONSOLE_LOG === "1";
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 200) tail.shift();
      if (echo) process.stderr.write(`[console:${port}] ${line}\n`);
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const logs = () => tail.join("\n");

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      if (!(await waitForExit(child, 20_000))) {
        console.warn(`[console harness] console pid ${pid} ignored SIGTERM for 20 s; killing its process group`);
      }
    }
    // Whatever is left in the group (a Postgres whose parent was killed, Next workers) goes too.
    killGroup(pid, "SIGKILL");
    await waitForExit(child, 5_000);
    running.delete(pid);
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };

  const timeout = opts.startTimeoutMs ?? Number(process.env.BERTH_TEST_START_TIMEOUT_MS ?? (mode === "dev" ? 180_000 : 90_000));
  try {
    await waitForHealth(url, child, timeout, logs);
  } catch (err) {
    await stop();
    throw err;
  }

  // With its embedded Postgres the console wrote the password on first start; the URL is what
  // lib/boot.ts computes from it.
  const databaseUrl =
    opts.env?.DATABASE_URL ??
    `postgresql://berth:${encodeURIComponent(fs.readFileSync(path.join(dataDir, "pg-password"), "utf8").trim())}@127.0.0.1:${pgPort}/berth`;

  return { url, port, adminEmail, adminPassword, databaseUrl, dataDir, pgPort, registry: `127.0.0.1:${registryPort}`, pid, mode, logs, stop };
}

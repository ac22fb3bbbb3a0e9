import fs from "node:fs";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { dataDir, publicUrl, settings } from "../env";
import { REGISTRY_SERVICE, TOKEN_ISSUER } from "./token";
import { markEmbeddedRegistry, notifySecret, tokenSigner } from "./runtime";

export interface TEmbeddedRegistry {
  url: string;
  stop(): Promise<void>;
}

function findBinary(name: string): string | null {
  if (name.includes("/")) return fs.existsSync(name) ? name : null;
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"])) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Distribution's config (YAML is a superset of JSON): token auth against this console, deletes
 * on (tags can be removed), notifications of pushes and deletes to this console.
 */
export function registryConfig(opts: { dir: string; addr: string; certFile: string; consoleOrigin: string; secret: string }): object {
  return {
    version: 0.1,
    log: { level: "warn", formatter: "text", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: path.join(opts.dir, "data") },
      delete: { enabled: true },
      cache: { blobdescriptor: "inmemory" },
      maintenance: { uploadpurging: { enabled: true, age: "168h", interval: "24h", dryrun: false } },
    },
    http: { addr: opts.addr, headers: { "X-Content-Type-Options": ["nosniff"] } },
    auth: {
      token: {
        realm: `${opts.consoleOrigin}/api/v1/registry/token`,
        service: REGISTRY_SERVICE,
        issuer: TOKEN_ISSUER,
        rootcertbundle: opts.certFile,
      },
    },
    notifications: {
      endpoints: [
        {
          name: "berth-console",
          url: `${opts.consoleOrigin}/api/v1/registry/events`,
          headers: { Authorization: [`Bearer ${opts.secret}`] },
          timeout: "5s",
          threshold: 5,
          backoff: "1s",
          ignoredmediatypes: ["application/octet-stream"],
          ignore: { actions: ["pull"] },
        },
      ],
    },
  };
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      // 401: up and asking for a token, as configured.
      if (res.status === 401 || res.ok) return;
    } catch (err) {
      if (!(err instanceof Error)) throw err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`docker-registry did not answer on ${url} within ${timeoutMs} ms`);
}

/**
 * Runs Debian's docker-registry (CNCF Distribution) as a supervised child, like the embedded
 * Postgres: config written by Berth, storage under the data dir, restarted if it dies. Returns
 * null (and the Images page says why) when the binary is not installed.
 */
export async function startEmbeddedRegistry(log: (m: string) => void): Promise<TEmbeddedRegistry | null> {
  const s = settings();
  const bin = findBinary(s.BERTH_REGISTRY_BIN);
  if (!bin) {
    markEmbeddedRegistry(false);
    log(`no registry: ${s.BERTH_REGISTRY_BIN} not found (apt-get install docker-registry, or set BERTH_REGISTRY_URL)`);
    return null;
  }
  const dir = path.join(dataDir(), "registry");
  fs.mkdirSync(path.join(dir, "data"), { recursive: true });
  const signer = await tokenSigner();
  const addr = `${s.BERTH_REGISTRY_BIND}:${s.BERTH_REGISTRY_PORT}`;
  const configFile = path.join(dir, "config.yml");
  const config = registryConfig({ dir, addr, certFile: signer.certFile, consoleOrigin: publicUrl().origin, secret: notifySecret() });
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  const logFile = path.join(dir, "registry.log");
  const url = `http://${s.BERTH_REGISTRY_BIND === "0.0.0.0" ? "127.0.0.1" : s.BERTH_REGISTRY_BIND}:${s.BERTH_REGISTRY_PORT}`;

  let stopping = false;
  let child: ChildProcess;
  const launch = (): ChildProcess => {
    const out = fs.openSync(logFile, "a");
    const c = spawn(bin, ["serve", configFile], { stdio: ["ignore", out, out] });
    fs.closeSync(out);
    c.on("exit", (code, signal) => {
      if (stopping) return;
      markEmbeddedRegistry(false, `The registry exited (${signal ?? `code ${code}`}); restarting. Its log: ${logFile}`);
      log(`docker-registry exited (${signal ?? code}); restarting in 1 s`);
      setTimeout(() => {
        if (stopping) return;
        child = launch();
        waitReady(url, child, 15_000).then(
          () => markEmbeddedRegistry(true),
          (err: unknown) => log(`docker-registry restart failed: ${(err as Error).message}`),
        );
      }, 1000);
    });
    return c;
  };
  child = launch();
  try {
    await waitReady(url, child, 15_000);
  } catch (err) {
    stopping = true;
    child.kill("SIGTERM");
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").slice(-8).join("\n") : "";
    const message = `The registry did not start on ${addr}: ${(err as Error).message}. ${tail}`;
    markEmbeddedRegistry(false, message);
    log(message);
    return null;
  }
  markEmbeddedRegistry(true);
  log(`registry (Distribution) on ${addr}, storage in ${dir}`);
  return {
    url,
    stop: async () => {
      stopping = true;
      markEmbeddedRegistry(false);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

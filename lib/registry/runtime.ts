import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { dataDir, settings } from "../env";
import { ensureTokenSigner, type TTokenSigner } from "./keys";

export interface TRegistryInfo {
  available: boolean;
  /** Why there is no registry, and what to do about it. */
  reason: string | null;
  /** Where the console itself reaches the registry's HTTP API. */
  url: string | null;
  /** How image references name it (`host:port`), for `docker push` and for hosts pulling. */
  host: string | null;
  embedded: boolean;
}

interface TRegistryGlobal {
  embeddedRunning?: boolean;
  embeddedError?: string;
  signer?: Promise<TTokenSigner>;
}

// server.ts and Next's route handlers load this module separately; the process is one.
function state(): TRegistryGlobal {
  const g = globalThis as typeof globalThis & { berthRegistry?: TRegistryGlobal };
  g.berthRegistry ??= {};
  return g.berthRegistry;
}

export function markEmbeddedRegistry(running: boolean, error?: string): void {
  state().embeddedRunning = running;
  state().embeddedError = error;
}

export function registryAuthDir(): string {
  return path.join(dataDir(), "registry-auth");
}

export function tokenSigner(): Promise<TTokenSigner> {
  const s = state();
  s.signer ??= ensureTokenSigner(registryAuthDir()).catch((err: unknown) => {
    s.signer = undefined;
    throw err;
  });
  return s.signer;
}

/** The shared secret the registry sends with its notifications (one per data dir). */
export function notifySecret(): string {
  const dir = registryAuthDir();
  const file = path.join(dir, "notify-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function embeddedRegistryHost(): string {
  const s = settings();
  const bind = s.BERTH_REGISTRY_BIND === "0.0.0.0" ? "127.0.0.1" : s.BERTH_REGISTRY_BIND;
  return s.BERTH_REGISTRY_HOST ?? `${bind}:${s.BERTH_REGISTRY_PORT}`;
}

export function registryInfo(): TRegistryInfo {
  const s = settings();
  if (s.BERTH_REGISTRY_URL) {
    const u = new URL(s.BERTH_REGISTRY_URL);
    return { available: true, reason: null, url: u.origin, host: s.BERTH_REGISTRY_HOST ?? u.host, embedded: false };
  }
  const st = state();
  if (st.embeddedRunning) {
    const bind = s.BERTH_REGISTRY_BIND === "0.0.0.0" ? "127.0.0.1" : s.BERTH_REGISTRY_BIND;
    return { available: true, reason: null, url: `http://${bind}:${s.BERTH_REGISTRY_PORT}`, host: embeddedRegistryHost(), embedded: true };
  }
  return {
    available: false,
    reason:
      st.embeddedError ??
      `No registry: install Debian's docker-registry package (apt-get install docker-registry) and restart Berth, or set BERTH_REGISTRY_URL to a Distribution-compatible registry.`,
    url: null,
    host: null,
    embedded: false,
  };
}

/** The registry's name in references whether or not it answers right now (a pinned set must never fall back to Docker Hub). */
export function configuredRegistryHost(): string {
  const s = settings();
  if (s.BERTH_REGISTRY_URL) return s.BERTH_REGISTRY_HOST ?? new URL(s.BERTH_REGISTRY_URL).host;
  return embeddedRegistryHost();
}

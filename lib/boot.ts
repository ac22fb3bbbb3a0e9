import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { dataDir, publicUrl, settings } from "./env";
import { startEmbeddedPostgres, type TEmbeddedHandle } from "./db/embedded";
import { migrate } from "./db/migrate";
import { createEnrollmentToken } from "./hosts/enroll";
import { ensureFirstAdmin } from "./users/users";

/** The session-signing secret, generated once per data dir when NEXTAUTH_SECRET is not given. */
function ensureSecret(dir: string): string {
  const file = path.join(dir, "nextauth-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export interface TBootResult {
  embedded: TEmbeddedHandle | null;
  migrations: string[];
  admin: string;
}

/** Everything the console needs before it serves: secrets, Postgres, migrations, first admin. */
export async function boot(log: (m: string) => void): Promise<TBootResult> {
  const s = settings();
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true });
  process.env.NEXTAUTH_SECRET ??= ensureSecret(dir);
  process.env.NEXTAUTH_URL ??= publicUrl().origin;

  let embedded: TEmbeddedHandle | null = null;
  if (!s.DATABASE_URL) {
    log(`starting embedded Postgres in ${path.join(dir, "pg")} on 127.0.0.1:${s.BERTH_PG_PORT}`);
    embedded = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), port: s.BERTH_PG_PORT, database: "berth" });
    process.env.DATABASE_URL = embedded.url;
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("unreachable: DATABASE_URL missing after boot");
  const result = await migrate(url);
  if (result.applied.length) log(`applied migrations: ${result.applied.join(", ")}`);
  const admin = await ensureFirstAdmin(s.BERTH_ADMIN_EMAIL, s.BERTH_ADMIN_PASSWORD);
  if (admin === "created") log(`created first admin ${s.BERTH_ADMIN_EMAIL}`);
  if (s.BERTH_LOCAL_AGENT) await prepareLocalAgent(dir, log);
  return { embedded, migrations: result.applied, admin };
}

/** Where `npm start` keeps its local agent's identity and the one-use token it enrolls with. */
export function localAgentDir(dir = dataDir()): string {
  return path.join(dir, "agent");
}

/**
 * Single-machine mode: until the local agent has an identity, leave it a fresh one-use token
 * (short-lived, written 0600) so a newcomer sees one Ready host without doing anything.
 */
async function prepareLocalAgent(dir: string, log: (m: string) => void): Promise<void> {
  const agentDir = localAgentDir(dir);
  if (fs.existsSync(path.join(agentDir, "identity.json"))) return;
  fs.mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  const { token } = await createEnrollmentToken(null, { ttlSeconds: 600, zone: "local" });
  fs.writeFileSync(path.join(agentDir, "enroll-token"), token, { mode: 0o600 });
  log("left a one-use enrollment token for the local agent");
}

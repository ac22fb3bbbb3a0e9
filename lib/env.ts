import path from "node:path";
import { z } from "zod";
import { parseCidr } from "./network/ipam";

const ZBool = z
  .enum(["0", "1", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");

/** Every setting Berth reads, with its default; README's settings table mirrors this. */
export const ZSettings = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  BERTH_BIND: z.string().default("0.0.0.0"),
  BERTH_URL: z.string().url().optional(),
  BERTH_DATA_DIR: z.string().default("./.berth"),
  DATABASE_URL: z.string().optional(),
  BERTH_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  BERTH_ADMIN_EMAIL: z.string().email().optional(),
  BERTH_ADMIN_PASSWORD: z.string().min(8).optional(),
  NEXTAUTH_SECRET: z.string().min(32).optional(),
  BERTH_SESSION_MAX_AGE: z.coerce.number().int().min(60).default(3600),
  /** Failed logins one client IP may make in the window, across all accounts, before 429. */
  BERTH_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(20),
  /** Lifetime of an API token created without `expiresInDays`. */
  BERTH_TOKEN_DEFAULT_DAYS: z.coerce.number().int().min(1).default(90),
  /** Longest lifetime a token may be given. */
  BERTH_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).default(365),
  /** How long an invitation or a password-reset link stays usable. */
  BERTH_ACCOUNT_LINK_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
  /** Live streams of one kind (log streams, terminals, metrics subscriptions) one user may hold open. */
  BERTH_STREAMS_PER_USER: z.coerce.number().int().min(1).default(16),
  /** The same, for all members of one team together. */
  BERTH_STREAMS_PER_TEAM: z.coerce.number().int().min(1).default(64),
  /** Events a second one /ui socket may send on average (bursts up to 5 times that); more are refused with RATE_LIMITED. */
  BERTH_UI_EVENTS_PER_SECOND: z.coerce.number().int().min(1).default(20),
  BERTH_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Longest delay a run of failures for one account from one IP earns (they double from 1 s). */
  BERTH_LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).default(300),
  /**
   * Proxies in front of the console whose `X-Forwarded-For` entries are believed, counted from the
   * right (each proxy appends the address it saw). 0: the socket's address. "true"/"yes" mean 1.
   */
  BERTH_TRUST_PROXY: z
    .enum(["true", "yes", "false", "no", ""])
    .transform((v) => (v === "true" || v === "yes" ? 1 : 0))
    .or(z.coerce.number().int().min(0).max(10))
    .default(0),
  BERTH_LOCAL_AGENT: ZBool.default(true),
  /** This console replica's name in /api/health and logs; default host-pid-random. */
  BERTH_REPLICA_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  /**
   * Several console replicas share one Redis (`redis://host:6379/0`): Socket.IO's Redis adapter
   * carries agent calls, streams and broadcasts between them. Unset: one replica, no Redis.
   */
  BERTH_REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, "a redis:// or rediss:// URL").optional(),
  BERTH_HOST_GRACE_SECONDS: z.coerce.number().int().min(1).default(30),
  BERTH_RECONCILE_SECONDS: z.coerce.number().min(0.5).default(10),
  BERTH_RESCHEDULE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** How often the leader evaluates autoscale policies (each on the last BERTH_AUTOSCALE_WINDOW_SECONDS of live samples). */
  BERTH_AUTOSCALE_SECONDS: z.coerce.number().min(0.5).default(3),
  /** The live window one autoscale measurement averages over. */
  BERTH_AUTOSCALE_WINDOW_SECONDS: z.coerce.number().int().min(2).max(600).default(10),
  BERTH_SCHEDULER_POLICY: z.enum(["spread", "pack"]).default("spread"),
  /** Berth's address pool: team subnets on every host are carved from it (README says why this default). */
  BERTH_NETWORK_POOL: z
    .string()
    .default("10.224.0.0/12")
    .refine((v) => isCidr(v), "must be an IPv4 CIDR without host bits, e.g. 10.224.0.0/12"),
  /** Prefix length of one team's subnet on one host (24: 253 sets per team per host). */
  BERTH_NETWORK_SUBNET_PREFIX: z.coerce.number().int().min(16).max(29).default(24),
  /** Host ports for published app ports, `first-last`. */
  BERTH_PUBLISH_RANGE: z
    .string()
    .default("30000-32767")
    .refine((v) => /^\d{1,5}-\d{1,5}$/.test(v) && Number(v.split("-")[0]) >= 1024 && Number(v.split("-")[0]) <= Number(v.split("-")[1]) && Number(v.split("-")[1]) <= 65535, "first-last, within 1024-65535"),
  /** An external Distribution-compatible registry (its base URL); unset: Berth runs Debian's docker-registry itself. */
  BERTH_REGISTRY_URL: z.string().url().optional(),
  BERTH_REGISTRY_PORT: z.coerce.number().int().min(1).max(65535).default(5000),
  /** Where the registry Berth runs listens; 127.0.0.1 keeps it to this machine (README: other hosts). */
  BERTH_REGISTRY_BIND: z.string().default("127.0.0.1"),
  /** How image references name the registry (host:port), when hosts reach it by another name than the bind address. */
  BERTH_REGISTRY_HOST: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "host or host:port").optional(),
  BERTH_REGISTRY_BIN: z.string().default("docker-registry"),
  /** Registries (host[:port], comma-separated) whose images apps may run besides Berth's own. */
  BERTH_EXTRA_REGISTRIES: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((x) => x.trim().toLowerCase()).filter(Boolean)),
  BERTH_IMAGE_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 ** 3),
  /** "0" turns off telling hosts to pull a new set's images as soon as it is placed (for measuring; on by default). */
  BERTH_PREPULL: z.enum(["0", "1"]).default("1"),
  /** Largest request body of any API route (the image upload has its own cap); 413 past it, before the body is read. */
  BERTH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Days a removed set's volume stays in its host's recycle bin before it is purged. */
  BERTH_TRASH_DAYS: z.coerce.number().positive().default(7),
  /** How often an open terminal re-checks that its user may still use it. */
  BERTH_TERMINAL_RECHECK_SECONDS: z.coerce.number().min(0.2).default(30),
  /** Extra origins (comma-separated URLs) for a console reached under more than one name. */
  BERTH_ALLOWED_ORIGINS: z
    .string()
    .default("")
    .refine((v) => v.split(",").map((o) => o.trim()).filter(Boolean).every((o) => URL.canParse(o)), "comma-separated URLs")
    .transform((v) => v.split(",").map((o) => o.trim()).filter(Boolean).map((o) => new URL(o).origin)),
  /** A static BusyBox for the infra image and uploads' base; unset: the usual Debian paths. */
  BERTH_BUSYBOX_PATH: z.string().optional(),
  /** A canary container exiting this often within the window is rolled back by itself. */
  BERTH_CANARY_MAX_EXITS: z.coerce.number().int().min(1).default(3),
  BERTH_CANARY_WINDOW_SECONDS: z.coerce.number().positive().default(120),
  /**
   * A set's share of its host's disk for its containers' writable layers: its own disk size, and
   * at least this many MiB. Over it the set is flagged; stopped too with BERTH_ENFORCE_ROOTFS=1.
   */
  BERTH_ROOTFS_SHARE_MIN_MIB: z.coerce.number().int().min(1).default(1024),
  BERTH_ENFORCE_ROOTFS: ZBool.default(false),
  BERTH_METRICS_RETENTION_DAYS: z.coerce.number().min(0.01).max(3650).default(7),
  /** How often open minutes of metrics are upserted: what a console crash can lose at most. */
  BERTH_METRICS_FLUSH_SECONDS: z.coerce.number().min(1).max(600).default(10),
  /** How often the leader evaluates the alert rules (OOM kills and exits also raise theirs at once). */
  BERTH_ALERT_EVAL_SECONDS: z.coerce.number().min(0.2).max(600).default(10),
  /** oom_killed and crash_loop resolve once the container has gone this long without another OOM kill or exit. */
  BERTH_ALERT_CLEAR_SECONDS: z.coerce.number().min(1).default(300),
  /** crash_loop: more than this many exits … */
  BERTH_ALERT_CRASH_RESTARTS: z.coerce.number().int().min(1).default(3),
  /** … within this window. */
  BERTH_ALERT_CRASH_WINDOW_SECONDS: z.coerce.number().min(1).default(600),
  /** set_unhealthy: a set Failed or Degraded for longer than this. */
  BERTH_ALERT_UNHEALTHY_SECONDS: z.coerce.number().min(0).default(300),
  /** quota_near_limit: a team using at least this percent of one of its limits. */
  BERTH_ALERT_QUOTA_PERCENT: z.coerce.number().min(1).max(100).default(90),
  /** volume_near_full: a set volume at least this percent full. */
  BERTH_ALERT_VOLUME_PERCENT: z.coerce.number().min(1).max(100).default(90),
  /** Resolved alerts and webhook delivery attempts older than this are deleted. */
  BERTH_ALERT_RETENTION_DAYS: z.coerce.number().min(0.01).max(3650).default(30),
  /** First webhook retry after this; each next one waits twice as long (with jitter), at most 10 minutes. */
  BERTH_WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0.1).default(10),
  /** Deliveries are retried for this long after the first attempt, then given up. */
  BERTH_WEBHOOK_RETRY_FOR_SECONDS: z.coerce.number().min(1).default(3600),
  /** One delivery attempt waits this long for the receiver's answer. */
  BERTH_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(120).default(10),
});
export type TSettings = z.infer<typeof ZSettings>;

function isCidr(v: string): boolean {
  try {
    parseCidr(v);
    return true;
  } catch {
    return false;
  }
}

let cached: TSettings | undefined;

export function settings(): TSettings {
  if (!cached) {
    const parsed = ZSettings.safeParse(process.env);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid Berth settings: ${issues}`);
    }
    cached = parsed.data;
  }
  return cached;
}

export function dataDir(): string {
  return path.resolve(settings().BERTH_DATA_DIR);
}

/** The console's own origin: the only Origin accepted on cookie writes and socket handshakes. */
export function publicUrl(): URL {
  const s = settings();
  return new URL(s.BERTH_URL ?? `http://localhost:${s.PORT}`);
}

/**
 * The session-signing secret. Boot generates it when unset, after `settings()` may already have
 * been read, so it is read live rather than from the cached settings.
 */
export function authSecret(): string | undefined {
  return process.env.NEXTAUTH_SECRET;
}

/** Postgres' URL: boot fills it in once the embedded Postgres is up (read live, like the secret). */
export function databaseUrl(): string | undefined {
  return process.env.DATABASE_URL;
}

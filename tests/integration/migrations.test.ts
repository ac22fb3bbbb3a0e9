import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrationsDir } from "@/lib/db/migrate";
import {
  Prisma,
  PrismaClient,
  type AccountLink,
  type Alert,
  type ApiToken,
  type App,
  type AuditEvent,
  type AutoscalePolicy,
  type Container,
  type EnrollmentToken,
  type Host,
  type Image,
  type Membership,
  type MetricRollup,
  type LoginThrottleEntry,
  type Operation,
  type Quota,
  type QuotaRequest,
  type Set as TSetRow,
  type Team,
  type TeamSubnet,
  type User,
  type Volume,
  type Webhook,
  type WebhookDelivery,
} from "@/lib/generated/prisma/client";
import { REPO_ROOT } from "../helpers/console";
import { consoleInfo } from "../helpers/context";
import { databaseUrlFor, sql, withPg } from "../helpers/db";

/**
 * The migrations are hand-written SQL (no schema engine on these machines), so this file proves
 * they build exactly the schema the generated client expects, on databases of their own created
 * on the console's Postgres.
 */
const c = consoleInfo();
const created: string[] = [];

async function freshDatabase(label: string): Promise<string> {
  const name = `berth_${label}_${randomBytes(4).toString("hex")}`;
  await withPg(databaseUrlFor(c.databaseUrl, "postgres"), (pg) => pg.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  return databaseUrlFor(c.databaseUrl, name);
}

afterAll(async () => {
  await withPg(databaseUrlFor(c.databaseUrl, "postgres"), async (pg) => {
    for (const name of created) await pg.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

function migrationNames(dir = migrationsDir()): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** A writable copy of prisma/migrations to break on purpose. */
function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-migrations-"));
  fs.cpSync(migrationsDir(), dir, { recursive: true });
  return dir;
}

interface TMigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

describe("lib/db/migrate.ts on a fresh database", () => {
  let url: string;

  beforeAll(async () => {
    url = await freshDatabase("migrate");
  });

  it("applies every migration in prisma/migrations, in name order", async () => {
    const names = migrationNames();
    expect(names.length).toBeGreaterThan(0);
    const result = await migrate(url);
    expect(result).toEqual({ applied: names, skipped: [] });
  });

  it("running it again applies nothing", async () => {
    const result = await migrate(url);
    expect(result).toEqual({ applied: [], skipped: migrationNames() });
  });

  it("records each in _prisma_migrations with the sha256 of its migration.sql, as Prisma does", async () => {
    const rows = await sql<TMigrationRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames());
    for (const r of rows) {
      expect(r.checksum).toBe(sha256(path.join(migrationsDir(), r.migration_name, "migration.sql")));
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
  });

  it("refuses to start when an applied migration was edited afterwards", async () => {
    const dir = copyMigrations();
    try {
      const first = migrationNames(dir)[0];
      fs.appendFileSync(path.join(dir, first, "migration.sql"), "\n-- edited\n");
      await expect(migrate(url, dir)).rejects.toThrow(/edited after it was applied/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a failing migration is rolled back whole and not recorded; the rest stays usable", async () => {
    const dir = copyMigrations();
    try {
      const name = "29991231000000_broken";
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, "migration.sql"), `CREATE TABLE "Half" (id TEXT);\nSELECT no_such_function();\n`);
      await expect(migrate(url, dir)).rejects.toThrow(/Migration 29991231000000_broken failed/);
      expect(await sql(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`)).toEqual([]);
      expect(await sql(url, `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [name])).toEqual([]);
      expect(await migrate(url)).toEqual({ applied: [], skipped: migrationNames() });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("concurrent starts", () => {
  it("two consoles migrating one database at once apply each migration exactly once", async () => {
    const url = await freshDatabase("race");
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(migrationNames());
    const rows = await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]?.n).toBe(migrationNames().length);
  });
});

// ---------------------------------------------------------------------------------------------
// Round trip through the generated client: one row per model with every scalar field set.

type TModel = Prisma.ModelName;

/** Millisecond-precision instants (the columns are TIMESTAMP(3)), all different. */
const at = (n: number) => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6) + n * 3_600_123);

const user = {
  id: "user-1",
  email: "round@trip.test",
  name: "Round Trip",
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
  isAdmin: true,
  disabled: true,
  createdAt: at(1),
  updatedAt: at(2),
  lastLoginAt: at(3),
  sessionEpoch: 7,
} satisfies User;
const decider = { ...user, id: "user-2", email: "decider@trip.test", isAdmin: false, disabled: false } satisfies User;
const team = { id: "team-1", slug: "round-trip", name: "Round Trip", createdAt: at(4), updatedAt: at(5) } satisfies Team;
const membership = { userId: user.id, teamId: team.id, role: "VIEWER", createdAt: at(6) } satisfies Membership;
const quota = { teamId: team.id, cpuMillis: 2_500, memoryMiB: 65_536, diskGiB: 1_000, sets: 42, updatedAt: at(7) } satisfies Quota;
const quotaRequest = {
  id: "qr-1",
  teamId: team.id,
  requesterId: user.id,
  cpuMillis: 16_000,
  memoryMiB: 131_072,
  diskGiB: 2_000,
  sets: 64,
  reason: "Black Friday — ünïcode too",
  status: "REJECTED",
  decidedById: decider.id,
  decidedAt: at(8),
  note: "next quarter",
  limitsBefore: { cpuMillis: 2_500, memoryMiB: 65_536, diskGiB: 1_000, sets: 42 },
  createdAt: at(9),
} satisfies QuotaRequest;
const host = {
  id: "host-1",
  name: "node-a",
  zone: "zone-b",
  labels: { room: "r2", rack: "7", nested: { list: [1, "two", true, null] } },
  status: "Ready",
  cordoned: true,
  credentialHash: "a".repeat(64),
  revokedAt: at(10),
  cpuCores: 3.75,
  memoryBytes: 2n ** 40n + 1n,
  diskFreeBytes: 2n ** 53n + 3n, // past Number's exact range: only BIGINT keeps it
  volumeFreeBytes: 9_223_372_036_854_775_807n,
  agentVersion: "1.2.3",
  dockerVersion: "27.0.1",
  statusReason: "disk pressure",
  containersDiskBytes: 5_000_000_001n,
  volumesUsedBytes: 7_000_000_003n,
  trashBytes: 11n,
  diskMeasuredAt: at(10),
  registryPullOk: false,
  registryPullError: "unauthorized: authentication required",
  registryCheckedAt: at(10),
  lastSeenAt: at(11),
  address: "192.0.2.10",
  statusSince: at(14),
  createdAt: at(12),
  updatedAt: at(13),
} satisfies Host;
const enrollmentToken = {
  id: "enr-1",
  tokenHash: "b".repeat(64),
  zone: "zone-c",
  expiresAt: at(14),
  usedAt: at(15),
  hostId: host.id,
  createdById: user.id,
  createdAt: at(16),
} satisfies EnrollmentToken;
const app = {
  id: "app-1",
  teamId: team.id,
  name: "web",
  replicas: 3,
  cpuMillis: 250,
  memoryMiB: 512,
  diskGiB: 2,
  volumePath: "/var/lib/web",
  containers: [{ index: 0, name: "app", image: "berth/demo-web:1", cpu: 80, memory: 70, env: { PORT: "8080" }, command: ["httpd", "-f"] }],
  canary: { container: "app", image: "berth/demo-web:2", previousImage: "berth/demo-web:1", setIds: ["set-1"], startedAt: "2026-11-28T00:00:00.000Z" },
  ports: [{ name: "http", port: 8080, protocol: "tcp", publish: true }],
  specVersion: 7,
  createdAt: at(17),
  updatedAt: at(18),
  deletedAt: at(19),
} satisfies App;
const teamSubnet = {
  id: "subnet-1",
  teamId: team.id,
  hostId: host.id,
  cidr: "10.224.3.0/24",
  gateway: "10.224.3.1",
  createdAt: at(42),
  emptySince: at(43),
} satisfies TeamSubnet;
const set = {
  id: "set-1",
  appId: app.id,
  teamId: team.id,
  hostId: host.id,
  ordinal: 2,
  state: "Degraded",
  reason: "container sidecar exited",
  ip: "10.224.3.7",
  subnetId: teamSubnet.id,
  hostPorts: [{ name: "http", port: 8080, protocol: "tcp", hostPort: 30001, reachable: true }],
  cpuMillis: 250,
  memoryMiB: 512,
  diskGiB: 2,
  specVersion: 7,
  desiredRunning: false,
  infraDockerId: "c".repeat(64),
  stateSince: at(53),
  createdAt: at(20),
  updatedAt: at(21),
  deletedAt: at(22),
} satisfies TSetRow;
const container = {
  id: "ctr-1",
  setId: set.id,
  index: 1,
  name: "sidecar",
  image: "berth/demo-agent:1",
  imageDigest: `sha256:${"c".repeat(64)}`,
  cpuPercent: 20,
  memoryPercent: 30,
  env: { A: "1", B: "two words" },
  command: ["sh", "-c", "sleep 1"],
  state: "Exited",
  dockerId: "d".repeat(64),
  exitCode: 137,
  startedAt: at(23),
  diskBytes: 4_294_967_297n,
  oomKills: 3,
  lastOomAt: at(25),
  lastOomCause: "limit 64 MiB, anonymous 2 MiB, page cache 62 MiB (dirty 10 MiB, writeback 52 MiB)",
  recentExits: [at(54), at(55)],
  updatedAt: at(24),
} satisfies Container;
const volume = {
  id: "vol-1",
  teamId: team.id,
  appId: app.id,
  setId: set.id,
  hostId: host.id,
  sizeGiB: 2,
  usedBytes: 1_073_741_825n,
  capacityBytes: 1_006_632_960n,
  holdsData: true,
  path: "/var/lib/berth/volumes/vol-1.img",
  trashedAt: at(25),
  purgeAfter: at(26),
  createdAt: at(27),
  updatedAt: at(28),
} satisfies Volume;
const image = {
  id: "img-1",
  teamId: team.id,
  repository: "berth/demo-web",
  tag: "1",
  digest: `sha256:${"e".repeat(64)}`,
  sizeBytes: 5_000_000_001n,
  layers: [{ digest: `sha256:${"f".repeat(64)}`, size: 5_000_000_000 }],
  pushedBy: "someone@example.com",
  pushedAt: at(29),
} satisfies Image;
const apiToken = {
  id: "tok-1",
  userId: user.id,
  name: "ci",
  tokenHash: "f".repeat(64),
  prefix: "berth_abcdef",
  expiresAt: at(30),
  lastUsedAt: at(31),
  lastUsedIp: "203.0.113.9",
  revokedAt: at(32),
  createdAt: at(33),
  parentId: null,
} satisfies ApiToken;
const accountLink = {
  id: "link-1",
  kind: "INVITE",
  tokenHash: "a".repeat(64),
  email: "invitee@trip.test",
  teamId: team.id,
  role: "MEMBER",
  userId: decider.id,
  createdById: user.id,
  expiresAt: at(42),
  usedAt: at(43),
  revokedAt: at(44),
  createdAt: at(45),
} satisfies AccountLink;
const auditEvent = {
  id: "aud-1",
  at: at(34),
  actorId: user.id,
  actorLabel: "round@trip.test (token)",
  teamId: team.id,
  action: "member.add",
  targetType: "user",
  targetId: decider.id,
  details: { role: "VIEWER", userCreated: false, n: 1.5 },
  ip: "198.18.0.1",
} satisfies AuditEvent;
const operation = {
  id: "op-1",
  kind: "set.apply",
  teamId: team.id,
  setId: set.id,
  hostId: host.id,
  status: "Failed",
  error: "image not found",
  payload: { specVersion: 7, containers: ["app", "sidecar"] },
  createdAt: at(35),
  updatedAt: at(36),
} satisfies Operation;

const metricRollup = {
  setId: set.id,
  container: "sidecar",
  at: at(37),
  samples: 60,
  cpuAvg: 12.5,
  cpuMax: 250.25,
  memoryAvg: 2n ** 33n + 1n,
  memoryMax: 2n ** 53n + 5n,
  memoryLimit: 9_223_372_036_854_775_807n,
  netRxRate: 1234.5,
  netTxRate: 0.25,
  blkReadRate: 4096,
  blkWriteRate: 1e9,
  pidsMax: 17,
} satisfies MetricRollup;

const autoscalePolicy = {
  appId: app.id,
  minReplicas: 1,
  maxReplicas: 12,
  cpuTargetPercent: 60,
  memoryTargetPercent: 75,
  scaleOutStabilizationSeconds: 30,
  scaleInStabilizationSeconds: 300,
  lastScaleAt: at(49),
  lastDecision: "CPU 86 % > target 60 % over 60 s: 3 → 5",
  blockedReason: "quota: needs 4 more cores",
  blockedSince: at(50),
  blockedNeed: { replicas: 2, cpuMillis: 4000, memoryMiB: 512, diskGiB: 2 },
  createdById: user.id,
  createdAt: at(51),
  updatedAt: at(52),
} satisfies AutoscalePolicy;

const alert = {
  id: "alert-1",
  teamId: team.id,
  rule: "oom_killed",
  severity: "warning",
  state: "resolved",
  objectKind: "container",
  objectId: container.id,
  objectName: "web-2/sidecar",
  appId: app.id,
  setId: set.id,
  hostId: host.id,
  message: "sidecar was OOM-killed 3 times",
  details: { kills: 3, cause: "limit 64 MiB" },
  firstSeenAt: at(56),
  lastSeenAt: at(57),
  resolvedAt: at(58),
} satisfies Alert;

const webhook = {
  id: "hook-1",
  teamId: team.id,
  url: "https://hooks.example.test/berth?x=1",
  events: ["oom_killed", "crash_loop"],
  secret: "s3cret with spaces",
  createdById: user.id,
  createdAt: at(59),
} satisfies Webhook;

const webhookDelivery = {
  id: "delivery-1",
  webhookId: webhook.id,
  alertId: alert.id,
  event: "alert.resolved",
  eventId: "7f6d6a0e-6a43-4f0b-9d9e-2d7c1f9e0a11",
  attempt: 2,
  payload: { text: "resolved", alert: { id: alert.id } },
  status: "failed",
  statusCode: 500,
  error: "HTTP 500",
  durationMs: 12,
  scheduledAt: at(60),
  attemptedAt: at(61),
  nextRetryAt: at(62),
  createdAt: at(63),
} satisfies WebhookDelivery;

const loginThrottleEntry = {
  key: "account:trip@berth.test|ip:203.0.113.7",
  state: { failures: 4, lastFailureAt: 1_764_000_000_123, notBefore: 1_764_000_002_123 },
  expiresAt: at(47),
} satisfies LoginThrottleEntry;

interface TRoundTrip {
  written: Record<string, unknown>;
  read: unknown;
}

/**
 * Every model of the generated client, in foreign-key order. Keyed by Prisma.ModelName so a new
 * model without an entry here does not type-check (and fails the runtime check below).
 */
function roundTrips(db: PrismaClient): Record<TModel, () => Promise<TRoundTrip>> {
  return {
    User: async () => {
      await db.user.create({ data: decider });
      await db.user.create({ data: user });
      return { written: user, read: await db.user.findUniqueOrThrow({ where: { id: user.id } }) };
    },
    Team: async () => {
      await db.team.create({ data: team });
      return { written: team, read: await db.team.findUniqueOrThrow({ where: { id: team.id } }) };
    },
    Membership: async () => {
      await db.membership.create({ data: membership });
      const read = await db.membership.findUniqueOrThrow({ where: { userId_teamId: { userId: user.id, teamId: team.id } } });
      return { written: membership, read };
    },
    Quota: async () => {
      await db.quota.create({ data: quota });
      return { written: quota, read: await db.quota.findUniqueOrThrow({ where: { teamId: team.id } }) };
    },
    QuotaRequest: async () => {
      await db.quotaRequest.create({ data: quotaRequest });
      return { written: quotaRequest, read: await db.quotaRequest.findUniqueOrThrow({ where: { id: quotaRequest.id } }) };
    },
    Host: async () => {
      await db.host.create({ data: host });
      return { written: host, read: await db.host.findUniqueOrThrow({ where: { id: host.id } }) };
    },
    EnrollmentToken: async () => {
      await db.enrollmentToken.create({ data: enrollmentToken });
      return { written: enrollmentToken, read: await db.enrollmentToken.findUniqueOrThrow({ where: { id: enrollmentToken.id } }) };
    },
    App: async () => {
      await db.app.create({ data: app });
      return { written: app, read: await db.app.findUniqueOrThrow({ where: { id: app.id } }) };
    },
    AutoscalePolicy: async () => {
      await db.autoscalePolicy.create({ data: autoscalePolicy });
      return { written: autoscalePolicy, read: await db.autoscalePolicy.findUniqueOrThrow({ where: { appId: app.id } }) };
    },
    TeamSubnet: async () => {
      await db.teamSubnet.create({ data: teamSubnet });
      return { written: teamSubnet, read: await db.teamSubnet.findUniqueOrThrow({ where: { id: teamSubnet.id } }) };
    },
    Set: async () => {
      await db.set.create({ data: set });
      return { written: set, read: await db.set.findUniqueOrThrow({ where: { id: set.id } }) };
    },
    Container: async () => {
      await db.container.create({ data: container });
      return { written: container, read: await db.container.findUniqueOrThrow({ where: { id: container.id } }) };
    },
    Volume: async () => {
      await db.volume.create({ data: volume });
      return { written: volume, read: await db.volume.findUniqueOrThrow({ where: { id: volume.id } }) };
    },
    Image: async () => {
      await db.image.create({ data: image });
      return { written: image, read: await db.image.findUniqueOrThrow({ where: { id: image.id } }) };
    },
    ApiToken: async () => {
      await db.apiToken.create({ data: apiToken });
      return { written: apiToken, read: await db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } }) };
    },
    AccountLink: async () => {
      await db.accountLink.create({ data: accountLink });
      return { written: accountLink, read: await db.accountLink.findUniqueOrThrow({ where: { id: accountLink.id } }) };
    },
    AuditEvent: async () => {
      await db.auditEvent.create({ data: auditEvent });
      return { written: auditEvent, read: await db.auditEvent.findUniqueOrThrow({ where: { id: auditEvent.id } }) };
    },
    Operation: async () => {
      await db.operation.create({ data: operation });
      return { written: operation, read: await db.operation.findUniqueOrThrow({ where: { id: operation.id } }) };
    },
    MetricRollup: async () => {
      await db.metricRollup.create({ data: metricRollup });
      const { setId, container, at: minute } = metricRollup;
      return { written: metricRollup, read: await db.metricRollup.findUniqueOrThrow({ where: { setId_container_at: { setId, container, at: minute } } }) };
    },
    Alert: async () => {
      await db.alert.create({ data: alert });
      return { written: alert, read: await db.alert.findUniqueOrThrow({ where: { id: alert.id } }) };
    },
    Webhook: async () => {
      await db.webhook.create({ data: webhook });
      return { written: webhook, read: await db.webhook.findUniqueOrThrow({ where: { id: webhook.id } }) };
    },
    WebhookDelivery: async () => {
      await db.webhookDelivery.create({ data: webhookDelivery });
      return { written: webhookDelivery, read: await db.webhookDelivery.findUniqueOrThrow({ where: { id: webhookDelivery.id } }) };
    },
    LoginThrottleEntry: async () => {
      await db.loginThrottleEntry.create({ data: loginThrottleEntry });
      return { written: loginThrottleEntry, read: await db.loginThrottleEntry.findUniqueOrThrow({ where: { key: loginThrottleEntry.key } }) };
    },
  };
}

/** Rows with only what the schema requires: the database's own defaults must fill the rest. */
function minimalRows(db: PrismaClient): Record<TModel, () => Promise<Record<string, unknown>>> {
  return {
    User: () => db.user.create({ data: { email: "min@trip.test", passwordHash: "x" } }),
    Team: () => db.team.create({ data: { slug: "min", name: "Min" } }),
    Membership: () => db.membership.create({ data: { userId: decider.id, teamId: team.id, role: "OWNER" } }),
    Quota: async () => {
      const t = await db.team.create({ data: { slug: "min-quota", name: "Min quota" } });
      return db.quota.create({ data: { teamId: t.id, cpuMillis: 0, memoryMiB: 0, diskGiB: 0, sets: 0 } });
    },
    QuotaRequest: () =>
      db.quotaRequest.create({ data: { teamId: team.id, requesterId: user.id, cpuMillis: 1, memoryMiB: 1, diskGiB: 1, sets: 1, reason: "r" } }),
    Host: () => db.host.create({ data: { name: "min", credentialHash: "min" } }),
    EnrollmentToken: () => db.enrollmentToken.create({ data: { tokenHash: "min", expiresAt: at(40) } }),
    App: () => db.app.create({ data: { teamId: team.id, name: "min", replicas: 1, cpuMillis: 1, memoryMiB: 1, diskGiB: 1, containers: [] } }),
    AutoscalePolicy: async () => {
      const a = await db.app.create({ data: { teamId: team.id, name: "min-autoscale", replicas: 1, cpuMillis: 1, memoryMiB: 1, diskGiB: 1, containers: [] } });
      return db.autoscalePolicy.create({
        data: { appId: a.id, minReplicas: 1, maxReplicas: 2, cpuTargetPercent: 50, scaleOutStabilizationSeconds: 0, scaleInStabilizationSeconds: 0 },
      });
    },
    TeamSubnet: async () => {
      const t = await db.team.create({ data: { slug: "min-subnet", name: "Min subnet" } });
      return db.teamSubnet.create({ data: { teamId: t.id, hostId: host.id, cidr: "10.224.9.0/24", gateway: "10.224.9.1" } });
    },
    Set: () => db.set.create({ data: { appId: app.id, teamId: team.id, ordinal: 9, cpuMillis: 1, memoryMiB: 1, diskGiB: 1 } }),
    Container: () => db.container.create({ data: { setId: set.id, index: 9, name: "min", image: "busybox", cpuPercent: 1, memoryPercent: 1 } }),
    Volume: () => db.volume.create({ data: { teamId: team.id, sizeGiB: 1 } }),
    Image: () => db.image.create({ data: { repository: "library/min", tag: "1", digest: `sha256:${"0".repeat(64)}` } }),
    ApiToken: () => db.apiToken.create({ data: { userId: user.id, name: "min", tokenHash: "min", prefix: "berth_min" } }),
    AccountLink: () => db.accountLink.create({ data: { kind: "RESET", tokenHash: "min", email: "min@trip.test", expiresAt: at(46) } }),
    AuditEvent: () => db.auditEvent.create({ data: { actorLabel: "system", action: "a", targetType: "t" } }),
    Operation: () => db.operation.create({ data: { kind: "min" } }),
    MetricRollup: () =>
      db.metricRollup.create({
        data: { setId: set.id, container: "min", at: at(41), samples: 1, cpuAvg: 0, cpuMax: 0, memoryAvg: 0n, memoryMax: 0n, memoryLimit: 0n, netRxRate: 0, netTxRate: 0, blkReadRate: 0, blkWriteRate: 0, pidsMax: 0 },
      }),
    LoginThrottleEntry: () => db.loginThrottleEntry.create({ data: { key: "ip:min", state: {}, expiresAt: at(48) } }),
    Alert: () => db.alert.create({ data: { rule: "host_not_ready", severity: "critical", objectKind: "host", objectId: "h-min", objectName: "min", message: "m" } }),
    Webhook: () => db.webhook.create({ data: { url: "http://127.0.0.1:9/min", secret: "s" } }),
    WebhookDelivery: async () => {
      const w = await db.webhook.create({ data: { url: "http://127.0.0.1:9/min-delivery", secret: "s" } });
      return db.webhookDelivery.create({ data: { webhookId: w.id, event: "test", eventId: "e-min", attempt: 1, payload: {} } });
    },
  };
}

/** The defaults schema.prisma declares, as the database must apply them. */
const EXPECTED_DEFAULTS: Partial<Record<TModel, Record<string, unknown>>> = {
  User: { name: "", isAdmin: false, disabled: false, lastLoginAt: null, sessionEpoch: 0 },
  AccountLink: { teamId: null, role: null, userId: null, createdById: null, usedAt: null, revokedAt: null },
  QuotaRequest: { status: "PENDING", decidedById: null, note: null, limitsBefore: null },
  Host: { zone: "default", labels: {}, status: "Unreachable", cordoned: false, cpuCores: 0, memoryBytes: 0n, diskFreeBytes: 0n, volumeFreeBytes: 0n, address: null, statusSince: null },
  EnrollmentToken: { zone: "default", usedAt: null, hostId: null },
  App: { volumePath: "/data", specVersion: 1, deletedAt: null, ports: [] },
  AutoscalePolicy: { memoryTargetPercent: null, lastScaleAt: null, lastDecision: null, blockedReason: null, blockedSince: null, blockedNeed: null, createdById: null },
  Set: { state: "Pending", specVersion: 1, desiredRunning: true, hostId: null, ip: null, subnetId: null, hostPorts: [] },
  Container: { env: {}, command: null, imageDigest: null, state: "Pending", exitCode: null, oomKills: 0, lastOomAt: null, lastOomCause: null, recentExits: [] },
  Alert: { teamId: null, state: "firing", appId: null, setId: null, hostId: null, details: {}, resolvedAt: null },
  Webhook: { teamId: null, events: [], createdById: null },
  WebhookDelivery: { alertId: null, status: "pending", statusCode: null, error: null, durationMs: null, attemptedAt: null, nextRetryAt: null },
  TeamSubnet: { emptySince: null },
  Volume: { usedBytes: 0n, trashedAt: null, capacityBytes: null },
  Image: { teamId: null, sizeBytes: 0n, layers: [], pushedBy: null },
  ApiToken: { expiresAt: null, revokedAt: null },
  AuditEvent: { details: {}, teamId: null },
  Operation: { status: "Pending", payload: {} },
};

function scalarFields(model: TModel): string[] {
  const e = (Prisma as unknown as Record<string, unknown>)[`${model}ScalarFieldEnum`];
  if (typeof e !== "object" || e === null) throw new Error(`the generated client has no ${model}ScalarFieldEnum`);
  return Object.values(e as Record<string, string>).sort();
}

function schemaModels(): string[] {
  const schema = fs.readFileSync(path.join(REPO_ROOT, "prisma", "schema.prisma"), "utf8");
  return [...schema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1]).sort();
}

describe("the migrated schema matches the generated Prisma client", () => {
  let url: string;
  let db: PrismaClient;

  beforeAll(async () => {
    url = await freshDatabase("roundtrip");
    await migrate(url);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }) });
  });

  afterAll(async () => {
    await db.$disconnect();
  });

  it("the generated client is current: its models are exactly schema.prisma's", () => {
    expect(Object.values(Prisma.ModelName).sort()).toEqual(schemaModels());
  });

  it("the round trip covers every model of the client", () => {
    expect(Object.keys(roundTrips(db)).sort()).toEqual(Object.values(Prisma.ModelName).sort());
    expect(Object.keys(minimalRows(db)).sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it("every model's table has exactly the client's scalar columns", async () => {
    for (const model of Object.values(Prisma.ModelName)) {
      const cols = await sql<{ column_name: string }>(
        url,
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [model],
      );
      expect({ model, columns: cols.map((r) => r.column_name).sort() }).toEqual({ model, columns: scalarFields(model) });
    }
  });

  it("a row with every scalar field set reads back equal, for every model", async () => {
    for (const [model, trip] of Object.entries(roundTrips(db)) as [TModel, () => Promise<TRoundTrip>][]) {
      const { written, read } = await trip();
      expect({ model, fields: Object.keys(written).sort() }).toEqual({ model, fields: scalarFields(model) });
      expect({ model, row: read }).toEqual({ model, row: written });
    }
  });

  it("a row with only the required fields gets the schema's defaults from the database, for every model", async () => {
    for (const [model, create] of Object.entries(minimalRows(db)) as [TModel, () => Promise<Record<string, unknown>>][]) {
      const row = await create();
      expect({ model, row }).toMatchObject({ model, row: EXPECTED_DEFAULTS[model] ?? {} });
      if ("createdAt" in row) expect(Math.abs((row.createdAt as Date).getTime() - Date.now())).toBeLessThan(60_000);
    }
  });

  it("one firing alert per rule and object (resolved ones are history), and a set's stateSince follows its state", async () => {
    const base = { rule: "crash_loop", severity: "critical" as const, objectKind: "container", objectId: "dedupe-1", objectName: "x", message: "m" };
    const first = await db.alert.create({ data: base });
    await expect(db.alert.create({ data: base })).rejects.toMatchObject({ code: "P2002" });
    await db.alert.update({ where: { id: first.id }, data: { state: "resolved", resolvedAt: new Date() } });
    await db.alert.create({ data: base });
    await db.alert.create({ data: { ...base, state: "resolved" } });
    expect(await db.alert.count({ where: { objectId: "dedupe-1" } })).toBe(3);

    const old = new Date("2020-01-01T00:00:00Z");
    const s = await db.set.create({ data: { appId: app.id, teamId: team.id, ordinal: 77, cpuMillis: 1, memoryMiB: 1, diskGiB: 1, state: "Running", stateSince: old } });
    await db.set.update({ where: { id: s.id }, data: { reason: "same state" } });
    expect((await db.set.findUniqueOrThrow({ where: { id: s.id } })).stateSince).toEqual(old);
    await db.set.update({ where: { id: s.id }, data: { state: "Failed" } });
    const moved = (await db.set.findUniqueOrThrow({ where: { id: s.id } })).stateSince;
    expect(Math.abs(moved.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("unique and foreign-key constraints exist as the schema declares", async () => {
    await expect(db.team.create({ data: { slug: team.slug, name: "dup" } })).rejects.toMatchObject({ code: "P2002" });
    await expect(db.membership.create({ data: { userId: "nobody", teamId: team.id, role: "OWNER" } })).rejects.toMatchObject({ code: "P2003" });
    await expect(db.container.create({ data: { ...container, id: "ctr-dup", name: "other" } })).rejects.toMatchObject({ code: "P2002" });
    // Deleting the team cascades to what it owns and nulls the audit trail's link.
    await db.team.delete({ where: { id: team.id } });
    expect(await db.set.count({ where: { teamId: team.id } })).toBe(0);
    expect(await db.quota.findUnique({ where: { teamId: team.id } })).toBeNull();
    expect((await db.auditEvent.findUniqueOrThrow({ where: { id: auditEvent.id } })).teamId).toBeNull();
  });
});

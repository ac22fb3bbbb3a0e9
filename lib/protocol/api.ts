import { z } from "zod";

/** HTTP API request/response schemas. Strict objects: unknown fields are a 400. */

export const ZSlug = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "lowercase letters, digits and inner dashes");
export const ZEmail = z.string().trim().toLowerCase().email().max(254);
/** Passwords people would guess first; a longer list belongs in a breached-password check. */
const COMMON_PASSWORDS = new Set(["password", "password1", "password12", "password123", "1234567890", "qwertyuiop", "letmein123", "welcome123", "iloveyou12", "administrator", "changeme123"]);

/** A password someone chooses: long enough, not one character repeated, not a well-known one. */
export const ZPassword = z
  .string()
  .min(10, "at least 10 characters")
  .max(256)
  .refine((pw) => new Set(pw).size >= 5, "use at least 5 different characters")
  .refine((pw) => !COMMON_PASSWORDS.has(pw.toLowerCase()), "this password is too common");
export const ZTeamRole = z.enum(["OWNER", "MEMBER", "VIEWER"]);
export type TTeamRole = z.infer<typeof ZTeamRole>;

export const ZQuotaLimits = z.strictObject({
  cpu: z.number().min(0).max(100_000).multipleOf(0.001).describe("CPU cores (fractions allowed)"),
  memoryMiB: z.number().int().min(0).max(1 << 30),
  diskGiB: z.number().int().min(0).max(1 << 24),
  sets: z.number().int().min(0).max(100_000),
});
export type TQuotaLimits = z.infer<typeof ZQuotaLimits>;

export const ZTeamCreate = z.strictObject({
  slug: ZSlug,
  name: z.string().trim().min(1).max(100),
  quota: ZQuotaLimits.optional(),
});
export type TTeamCreate = z.infer<typeof ZTeamCreate>;

export const ZTeam = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  role: ZTeamRole.nullable().describe("the caller's role; null for admins who are not members"),
  memberCount: z.number().int(),
  createdAt: z.string(),
});
export type TTeam = z.infer<typeof ZTeam>;

export const ZMemberAdd = z.strictObject({
  email: ZEmail,
  role: ZTeamRole,
  password: ZPassword.optional().describe("platform admins only: creates the user when none has this email. Team owners invite people instead (POST /api/v1/teams/{team}/invites)"),
  name: z.string().trim().max(100).optional(),
});
export type TMemberAdd = z.infer<typeof ZMemberAdd>;

export const ZMemberUpdate = z.strictObject({ role: ZTeamRole });

export const ZMember = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZTeamRole,
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type TMember = z.infer<typeof ZMember>;

export const ZQuota = z.object({ limits: ZQuotaLimits, used: ZQuotaLimits });
export type TQuota = z.infer<typeof ZQuota>;

export const ZTokenLogin = z.strictObject({
  email: ZEmail,
  password: z.string().min(1).max(256),
  name: z.string().trim().min(1).max(100).default("api"),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export const ZTokenCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type TTokenCreate = z.infer<typeof ZTokenCreate>;
export const ZTokenCreated = z.object({ id: z.string(), token: z.string(), name: z.string(), expiresAt: z.string().nullable() });
export const ZTokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  /** The client address it was last used from. */
  lastUsedIp: z.string().nullable(),
  /** The token it was minted with, if any: it expires no later and is revoked with it. */
  parentId: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TTokenInfo = z.infer<typeof ZTokenInfo>;

export const ZMe = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  teams: z.array(z.object({ slug: z.string(), name: z.string(), role: ZTeamRole })),
});
export type TMe = z.infer<typeof ZMe>;

export const ZUserUpdate = z.strictObject({
  disabled: z.boolean().optional(),
  isAdmin: z.boolean().optional(),
  name: z.string().trim().max(100).optional(),
});
export const ZUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZUserCreate = z.strictObject({
  email: ZEmail,
  name: z.string().trim().max(100).optional(),
  isAdmin: z.boolean().optional(),
  password: ZPassword.optional().describe("omit it to get a one-use link through which the user sets their own"),
});

/** A one-use link, shown once to whoever made it (no mail server needed: it is copied). */
export const ZAccountLinkCreated = z.object({
  id: z.string(),
  kind: z.enum(["INVITE", "RESET"]),
  email: z.string(),
  team: z.string().nullable(),
  role: ZTeamRole.nullable(),
  expiresAt: z.string(),
  url: z.string().describe("shown once; only its hash is stored"),
});
export type TAccountLinkCreated = z.infer<typeof ZAccountLinkCreated>;

export const ZUserCreated = z.object({ user: ZUser, link: ZAccountLinkCreated.nullable() });

export const ZInviteCreate = z.strictObject({ email: ZEmail, role: ZTeamRole });
export const ZInvite = z.object({
  id: z.string(),
  email: z.string(),
  role: ZTeamRole,
  invitedBy: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type TInvite = z.infer<typeof ZInvite>;

/** What a link's holder sees before using it; the same for accounts that exist and those that do not. */
export const ZAccountLinkInfo = z.object({
  kind: z.enum(["INVITE", "RESET"]),
  email: z.string(),
  team: z.object({ slug: z.string(), name: z.string() }).nullable(),
  role: ZTeamRole.nullable(),
  expiresAt: z.string(),
});
export type TAccountLinkInfo = z.infer<typeof ZAccountLinkInfo>;

export const ZAccountLinkAccept = z.strictObject({
  password: z.string().min(1).max(256).describe("a new password, or, for an invite to an email that already has an account, that account's password"),
  name: z.string().trim().max(100).optional(),
});
export const ZAccountLinkAccepted = z.object({ email: z.string(), team: z.string().nullable(), created: z.boolean() });

export const ZPasswordChange = z.strictObject({
  current: z.string().min(1).max(256),
  new: ZPassword,
  signOutEverywhere: z.boolean().default(false).describe("also end every other session and revoke every API token of this user (open sockets included)"),
});
export const ZPasswordChanged = z.object({
  signedOutOtherSessions: z.boolean(),
  revokedTokens: z.number().int(),
});

export const ZAuditQuery = z.strictObject({
  team: ZSlug.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().datetime().optional().describe("events older than this time (the last event's `at`)"),
  beforeId: z.string().min(1).max(64).optional().describe("with `before`: the last event's id, so events of the same millisecond are not skipped"),
  action: z.string().trim().min(1).max(64).optional().describe("events whose action starts with this: `set.` for every set action, `set.restart` for one"),
  actor: z.string().trim().min(1).max(200).optional().describe("events whose actor contains this, case-insensitive (an email or part of one)"),
  from: z.string().datetime().optional().describe("events at or after this time"),
  to: z.string().datetime().optional().describe("events before this time"),
})
  .refine((q) => !q.beforeId || q.before, { path: ["beforeId"], message: "beforeId needs before" })
  .refine((q) => !q.from || !q.to || new Date(q.from) < new Date(q.to), { path: ["to"], message: "to must be after from" });
export const ZAuditEvent = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  team: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  targetName: z.string().nullable().describe("the target's name when it has one: a set's `<app>-<n>` for set events (null once the set is gone and the event did not record it)"),
  details: z.record(z.string(), z.unknown()),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

export const ZHealth = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "down"]),
  agents: z.object({ ready: z.number().int(), notReady: z.number().int(), unreachable: z.number().int(), total: z.number().int() }),
  version: z.string(),
  /** Which console replica answered, and whether it runs the reconciler, sweeps and purges (one does). */
  replica: z.string(),
  leader: z.boolean(),
  /** `redis`: replicas share BERTH_REDIS_URL and reach each other's agents; `memory`: one replica. */
  adapter: z.enum(["redis", "memory"]),
});

export const ZErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

export const ZOperationView = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(["Pending", "Running", "Succeeded", "Failed"]),
  error: z.string().nullable(),
  progress: z.object({
    total: z.number().int(),
    moved: z.number().int(),
    /** The set whose volume is being copied right now: raw bytes written on the new host of the image's size. */
    copy: z.object({ setId: z.string(), bytes: z.number().int(), total: z.number().int() }).nullable().optional(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TOperationView = z.infer<typeof ZOperationView>;

export const ZDrainStarted = z.object({ operationId: z.string(), sets: z.number().int() });

export const ZHost = z.object({
  id: z.string(),
  name: z.string(),
  zone: z.string(),
  status: z.enum(["Ready", "NotReady", "Unreachable", "Cordoned"]),
  cordoned: z.boolean(),
  capacity: z.object({ cpuCores: z.number(), memoryBytes: z.number() }),
  allocated: z.object({ cpuCores: z.number(), memoryBytes: z.number(), diskGiB: z.number() }),
  diskFreeBytes: z.number(),
  /** What Berth occupies on the host, from the agent's last disk scan (null before the first). */
  berthDisk: z
    .object({ containersBytes: z.number(), volumesBytes: z.number(), trashBytes: z.number(), measuredAt: z.string() })
    .nullable(),
  lastSeenAt: z.string().nullable(),
  agentVersion: z.string().nullable(),
  /** The agent version this console serves (null when its bundle is not built): an upgrade target when it differs. */
  latestAgentVersion: z.string().nullable(),
  statusReason: z.string().nullable(),
  /** Whether the host can pull from Berth's registry with its credential (null: not checked yet, or no registry). */
  registryPull: z.object({ ok: z.boolean(), error: z.string().nullable(), checkedAt: z.string() }).nullable(),
  /** The host's latest drain, while it runs and for a while after. */
  drain: ZOperationView.nullable(),
  /** Live sets assigned to the host. */
  sets: z.number().int(),
  /** For an Unreachable host with sets: when they are given to other hosts unless it returns. */
  rescheduleAt: z.string().nullable(),
});
export type THost = z.infer<typeof ZHost>;

export const ZHostUpgraded = z.object({ hostId: z.string(), from: z.string(), to: z.string() });
export const ZUpgradeStarted = z.object({ operationId: z.string(), hosts: z.number().int() });

export const ZEnrollmentTokenCreate = z.strictObject({
  ttlSeconds: z.number().int().min(60).max(7 * 86_400).default(3600),
  zone: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/).optional(),
});
export const ZEnrollmentToken = z.object({ token: z.string(), expiresAt: z.string() });

export const ZQuotaRequestCreate = z.strictObject({
  cpu: ZQuotaLimits.shape.cpu,
  memoryMiB: ZQuotaLimits.shape.memoryMiB,
  diskGiB: ZQuotaLimits.shape.diskGiB,
  sets: ZQuotaLimits.shape.sets,
  reason: z.string().trim().min(3).max(2000),
});
export type TQuotaRequestCreate = z.infer<typeof ZQuotaRequestCreate>;
export const ZQuotaDecision = z.strictObject({ note: z.string().trim().max(2000).default("") });
export const ZQuotaRequestQuery = z.strictObject({ status: z.enum(["PENDING", "APPROVED", "REJECTED"]).optional() });
export const ZQuotaRequest = z.object({
  id: z.string(),
  team: z.string(),
  requester: z.string(),
  requested: ZQuotaLimits,
  current: ZQuotaLimits.nullable(),
  limitsBefore: ZQuotaLimits.nullable().describe("the team's limits when the request was decided (null while pending, or when the team had none then)"),
  reason: z.string(),
  status: z.enum(["PENDING", "APPROVED", "REJECTED"]),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type TQuotaRequest = z.infer<typeof ZQuotaRequest>;

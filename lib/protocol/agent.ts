import { z } from "zod";

/**
 * Console ↔ agent set commands. The agent builds Docker configs only from these fields, so a
 * field that is not here (privileged, binds, devices, capabilities…) cannot reach Docker.
 */

/** Namespaced sysctls that are safe per network/IPC namespace; nothing host-wide. */
export const SYSCTL_ALLOWLIST = [
  "net.core.somaxconn",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_max_syn_backlog",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.tcp_tw_reuse",
  "kernel.msgmax",
  "kernel.msgmnb",
  "kernel.shm_rmid_forced",
  "kernel.shmall",
  "kernel.shmmax",
] as const;

// Docker's reference grammar (distribution/reference), flattened: [host[:port]/]path[:tag][@digest].
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?";
export const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

export const ZImageRef = z.string().max(255).regex(IMAGE_REFERENCE, "not a Docker image reference (name[:tag][@sha256:…])");
export const ZContainerName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "lowercase letter first, then letters, digits, dashes (≤31)");
export const ZEnvKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "letters, digits and _ (not starting with a digit)");
export const ZEnv = z
  .record(ZEnvKey, z.string().max(4096))
  .refine((env) => Object.keys(env).length <= 100, "at most 100 variables");
export const ZCommand = z.array(z.string().max(4096)).min(1).max(64);
export const ZVolumePath = z
  .string()
  .regex(/^\/[A-Za-z0-9._/-]{0,200}$/, "an absolute path")
  .refine((p) => !p.split("/").includes(".."), "no .. segments")
  .refine((p) => !["/", "/proc", "/sys", "/dev", "/etc", "/bin", "/usr", "/lib"].includes(p.replace(/\/+$/, "") || "/"), "a system path cannot be the volume path");

export const ZContainerSpec = z.strictObject({
  index: z.number().int().min(0).max(15),
  name: ZContainerName,
  image: ZImageRef,
  cpuPercent: z.number().int().min(1).max(100),
  memoryPercent: z.number().int().min(1).max(100),
  env: ZEnv.default({}),
  command: ZCommand.optional(),
});
export type TContainerSpec = z.infer<typeof ZContainerSpec>;

export const ZId = z.string().regex(/^[a-z0-9]{8,40}$/, "an id");

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
export const ZIpv4 = z.string().regex(IPV4, "an IPv4 address");

/**
 * The set's place in Berth's address plan: the team's bridge on this host has exactly `subnet`
 * (and `gateway`), the infra container is pinned to `ip`, and `aliases` (`<app>`, `<app>-<n>`)
 * resolve to it through Docker's DNS on that bridge.
 */
export const ZSetNetwork = z.strictObject({
  subnet: z.string().refine((v) => {
    const [ip, bits] = v.split("/");
    return IPV4.test(ip ?? "") && /^\d{1,2}$/.test(bits ?? "") && Number(bits) >= 8 && Number(bits) <= 30;
  }, "an IPv4 CIDR"),
  gateway: ZIpv4,
  ip: ZIpv4,
  aliases: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/)).max(4),
  /** The app's ports; a published one is bound on the host at `hostPort`. */
  ports: z
    .array(z.strictObject({ port: z.number().int().min(1).max(65535), protocol: z.enum(["tcp", "udp"]), hostPort: z.number().int().min(1).max(65535).optional() }))
    .max(16)
    .default([]),
});
export type TSetNetwork = z.infer<typeof ZSetNetwork>;

export const ZSetSpec = z.strictObject({
  setId: ZId,
  teamId: ZId,
  appId: ZId,
  hostId: ZId,
  specVersion: z.number().int().min(1),
  cpuMillis: z.number().int().min(10).max(1_000_000),
  memoryMiB: z.number().int().min(6).max(4_194_304),
  diskGiB: z.number().int().min(0).max(65_536),
  volumePath: ZVolumePath.default("/data"),
  sysctls: z.partialRecord(z.enum(SYSCTL_ALLOWLIST), z.string().regex(/^[0-9 ]{1,32}$/)).default({}),
  containers: z.array(ZContainerSpec).min(1).max(16),
  /** Absent only for sets placed before the address plan: they keep Docker's address. */
  network: ZSetNetwork.optional(),
});
export type TSetSpec = z.infer<typeof ZSetSpec>;

export const ZSetApply = z.strictObject({ opId: z.string().min(1).max(64), spec: ZSetSpec });
export type TSetApply = z.infer<typeof ZSetApply>;

export const SET_ACTIONS = ["start", "stop", "restart", "remove"] as const;
export const ZSetAction = z.strictObject({
  opId: z.string().min(1).max(64),
  setId: ZId,
  action: z.enum(SET_ACTIONS),
});
export type TSetAction = z.infer<typeof ZSetAction>;

export const ZDockerState = z.enum(["created", "running", "paused", "restarting", "removing", "exited", "dead", "missing"]);
export type TDockerState = z.infer<typeof ZDockerState>;

/**
 * What agents report is bounded in every dimension: a rogue or broken agent must not be able to
 * make the console hold (or write) more than a real host's worth of rows.
 */
export const REPORT_LIMITS = { setsPerHost: 2000, containersPerSet: 32, trashEntries: 2000 } as const;

const ZAgentRef = z.string().max(128);

export const ZContainerStatus = z.object({
  role: z.enum(["infra", "app"]),
  index: z.number().int().min(-1).max(REPORT_LIMITS.containersPerSet),
  name: z.string().max(64),
  dockerId: z.string().max(80),
  image: z.string().max(512),
  state: ZDockerState,
  exitCode: z.number().int().nullable(),
  oomKilled: z.boolean(),
  startedAt: z.string().max(40).nullable(),
  specVersion: z.number().int(),
});
export type TContainerStatus = z.infer<typeof ZContainerStatus>;

/** `entries`: files and directories at the volume's root (capped): 0 means it holds no data. */
export const ZVolumeUsage = z.object({ usedBytes: z.number(), sizeBytes: z.number(), entries: z.number().int().min(0).optional() });

export const ZSetStatus = z.object({
  setId: ZAgentRef,
  teamId: ZAgentRef,
  appId: ZAgentRef,
  ip: z.string().max(45).nullable(),
  containers: z.array(ZContainerStatus).max(REPORT_LIMITS.containersPerSet + 1),
  volume: ZVolumeUsage.nullable().optional(),
});
export type TSetStatus = z.infer<typeof ZSetStatus>;

export const ZTrashEntry = z.object({
  key: z.string().regex(/^[a-z0-9-]{8,80}$/),
  setId: ZAgentRef,
  appId: z.string().max(128),
  teamId: z.string().max(128),
  sizeGiB: z.number().min(0).max(1 << 20),
  trashedAt: z.iso.datetime(),
});
export type TTrashEntry = z.infer<typeof ZTrashEntry>;

/**
 * What Berth occupies on a host's disks, measured every few minutes (Docker's size query walks
 * every writable layer, so never in a tight loop): each container's writable layer, each mounted
 * set volume, and the recycle bin.
 */
export const ZDiskUsage = z.object({
  containers: z.array(z.object({ dockerId: z.string().max(80), setId: z.string().max(64), writableBytes: z.number().min(0) })).max(10_000),
  volumes: z.array(z.object({ setId: z.string().max(64), usedBytes: z.number().min(0), sizeBytes: z.number().min(0), entries: z.number().int().min(0).optional() })).max(10_000),
  trashBytes: z.number().min(0),
  measuredAt: z.number(),
});
export type TDiskUsage = z.infer<typeof ZDiskUsage>;

export const ZInventory = z.object({
  sets: z.array(ZSetStatus).max(REPORT_LIMITS.setsPerHost),
  trash: z.array(ZTrashEntry).max(REPORT_LIMITS.trashEntries).default([]),
});
export type TInventory = z.infer<typeof ZInventory>;

/** The agent's TCP connect to one published host port of one of its sets. */
export const ZEndpointProbe = z.object({ setId: ZId, hostPort: z.number().int().min(1).max(65535), reachable: z.boolean() });
export type TEndpointProbe = z.infer<typeof ZEndpointProbe>;

export const ZContainerEvent = z.object({
  setId: ZAgentRef,
  role: z.enum(["infra", "app"]),
  index: z.number().int().min(-1).max(REPORT_LIMITS.containersPerSet),
  name: z.string().max(64),
  dockerId: z.string().max(80),
  action: z.enum(["start", "die", "oom", "stop", "destroy"]),
  exitCode: z.number().int().nullable(),
  at: z.number(),
  /** For `oom`: what filled the container's memory, read from its cgroup at the event. */
  detail: z.string().max(500).optional(),
});
export type TContainerEvent = z.infer<typeof ZContainerEvent>;

export const LABEL = {
  set: "berth.set",
  team: "berth.team",
  app: "berth.app",
  host: "berth.host",
  role: "berth.role",
  index: "berth.index",
  name: "berth.name",
  specVersion: "berth.spec-version",
  specHash: "berth.spec-hash",
} as const;

export const ZVolumeRestore = z.strictObject({ opId: z.string().min(1).max(64), trashKey: z.string().regex(/^[a-z0-9-]{8,80}$/), setId: ZId });
export type TVolumeRestore = z.infer<typeof ZVolumeRestore>;
export const ZVolumePurge = z.strictObject({ trashKey: z.string().regex(/^[a-z0-9-]{8,80}$/) });

/** A set's volume image moving between hosts through the console's relay (`transferId` names it there). */
export const ZTransferId = z.string().regex(/^[A-Za-z0-9_-]{32,64}$/);
export const ZVolumeSend = z.strictObject({ transferId: ZTransferId, setId: ZId });
export type TVolumeSend = z.infer<typeof ZVolumeSend>;
export const ZVolumeReceive = z.strictObject({ transferId: ZTransferId, setId: ZId, sizeGiB: z.number().int().min(1).max(16_384) });
export type TVolumeReceive = z.infer<typeof ZVolumeReceive>;
export const ZVolumeProgress = z.strictObject({ transferId: ZTransferId, bytes: z.number().int().min(0) });
export type TVolumeTransferred = { bytes: number; sha256: string };

/** A set's volume on a host: per host as well as per set, so a set moved between two agents on one machine gets its own. */
export function volumeKey(setId: string, hostId: string): string {
  return `${hostId.slice(-8)}-${setId}`;
}

import { z } from "zod";
import { ZAutoscaleView } from "./autoscale";
import { ZCommand, ZContainerName, ZEnv, ZImageRef, ZVolumePath } from "./agent";

/**
 * Keys that people try to smuggle into a container definition. They are refused by name with a
 * reason, before the strict schema would refuse them as merely unknown.
 */
export const FORBIDDEN_CONTAINER_KEYS: Record<string, string> = {
  privileged: "Berth never runs privileged containers",
  capAdd: "adding capabilities is not allowed",
  cap_add: "adding capabilities is not allowed",
  CapAdd: "adding capabilities is not allowed",
  devices: "host devices cannot be mapped",
  Devices: "host devices cannot be mapped",
  pid: "host PID namespace is not allowed",
  pidMode: "host PID namespace is not allowed",
  PidMode: "host PID namespace is not allowed",
  ipc: "the set owns the IPC namespace",
  ipcMode: "the set owns the IPC namespace",
  IpcMode: "the set owns the IPC namespace",
  network: "the set owns the network namespace",
  networkMode: "the set owns the network namespace",
  NetworkMode: "the set owns the network namespace",
  uts: "host UTS namespace is not allowed",
  utsMode: "host UTS namespace is not allowed",
  UTSMode: "host UTS namespace is not allowed",
  binds: "host paths cannot be mounted",
  Binds: "host paths cannot be mounted",
  volumes: "the set's volume is mounted for you (see volumePath)",
  mounts: "host paths cannot be mounted",
  Mounts: "host paths cannot be mounted",
  volumeDriver: "volume drivers and their options are not allowed",
  volumeOptions: "volume drivers and their options are not allowed",
  securityOpt: "security options are fixed by Berth",
  SecurityOpt: "security options are fixed by Berth",
  hostConfig: "Docker host config cannot be given",
  HostConfig: "Docker host config cannot be given",
  user: "the container user comes from the image",
  sysctls: "sysctls are set on the set, from an allowlist",
};

function refuseForbiddenKeys(value: unknown, ctx: z.RefinementCtx, path: (string | number)[]) {
  if (typeof value !== "object" || value === null) return;
  for (const key of Object.keys(value)) {
    const why = FORBIDDEN_CONTAINER_KEYS[key];
    if (why) ctx.addIssue({ code: "custom", path: [...path, key], message: `${key}: ${why}` });
  }
}

export const ZAppContainer = z.strictObject({
  index: z.number().int().min(0).max(15),
  name: ZContainerName,
  image: ZImageRef,
  cpu: z.number().int().min(1).max(100).describe("percent of the set's CPU"),
  memory: z.number().int().min(1).max(100).describe("percent of the set's memory"),
  env: ZEnv.optional(),
  command: ZCommand.optional(),
});
export type TAppContainer = z.infer<typeof ZAppContainer>;

export const ZSize = z.strictObject({
  cpu: z.number().min(0.1).max(64).multipleOf(0.001).describe("cores; fractions allowed (0.25 = 250 millicores)"),
  memoryMiB: z.number().int().min(16).max(262_144),
  diskGiB: z.number().int().min(0).max(1024),
});
export type TSize = z.infer<typeof ZSize>;

export const ZAppName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "lowercase letter first, then letters, digits, dashes (≤40)");

/**
 * A port of the app (the set's network namespace is shared, so ports belong to the app, not to a
 * container). Reachable inside the team network always; `publish` also binds it on the set's host
 * at a host port the console picks from BERTH_PUBLISH_RANGE.
 */
export const ZAppPort = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,14}$/, "lowercase letter first, then letters, digits, dashes (≤15)"),
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(["tcp", "udp"]).default("tcp"),
  publish: z.boolean().default(false),
});
export type TAppPort = z.infer<typeof ZAppPort>;

export const ZAppCreateShape = z.strictObject({
  name: ZAppName,
  replicas: z.number().int().min(0).max(100),
  size: ZSize,
  volumePath: ZVolumePath.optional(),
  containers: z.array(ZAppContainer).min(1).max(16),
  ports: z.array(ZAppPort).max(16).optional(),
});

export const ZAppCreate = z
  .unknown()
  .superRefine((raw, ctx) => {
    const containers = (raw as { containers?: unknown })?.containers;
    if (Array.isArray(containers)) containers.forEach((c, i) => refuseForbiddenKeys(c, ctx, ["containers", i]));
    refuseForbiddenKeys(raw, ctx, []);
  })
  .pipe(ZAppCreateShape)
  .superRefine((app, ctx) => {
    const seenIndex = new Set<number>();
    const seenName = new Set<string>();
    app.containers.forEach((c, i) => {
      if (seenIndex.has(c.index)) ctx.addIssue({ code: "custom", path: ["containers", i, "index"], message: `index ${c.index} is used twice` });
      if (seenName.has(c.name)) ctx.addIssue({ code: "custom", path: ["containers", i, "name"], message: `name ${c.name} is used twice` });
      seenIndex.add(c.index);
      seenName.add(c.name);
    });
    (app.ports ?? []).forEach((p, i, all) => {
      if (all.findIndex((q) => q.name === p.name) !== i) ctx.addIssue({ code: "custom", path: ["ports", i, "name"], message: `port name ${p.name} is used twice` });
      if (all.findIndex((q) => q.port === p.port && q.protocol === p.protocol) !== i) {
        ctx.addIssue({ code: "custom", path: ["ports", i, "port"], message: `${p.port}/${p.protocol} is declared twice` });
      }
    });
    const memory = app.containers.reduce((a, c) => a + c.memory, 0);
    if (memory > 100) ctx.addIssue({ code: "custom", path: ["containers"], message: `memory percents add up to ${memory}; at most 100` });
  });
export type TAppCreate = z.infer<typeof ZAppCreateShape>;

/** New shares of the set for one container; what it is (image, env, command) does not change here. */
export const ZContainerPercents = z
  .strictObject({
    name: ZContainerName,
    cpu: z.number().int().min(1).max(100).optional().describe("percent of the set's CPU"),
    memory: z.number().int().min(1).max(100).optional().describe("percent of the set's memory"),
  })
  .refine((c) => c.cpu !== undefined || c.memory !== undefined, { message: "give cpu, memory or both" });
export type TContainerPercents = z.infer<typeof ZContainerPercents>;

export const ZAppPatch = z
  .strictObject({
    replicas: z.number().int().min(0).max(100).optional(),
    size: ZSize.optional().describe("online resize: CPU and memory change in place, disk grows"),
    containers: z
      .array(ZContainerPercents)
      .min(1)
      .max(16)
      .optional()
      .describe("online resize of containers' shares of the set, applied with `size` in one step"),
  })
  .superRefine((patch, ctx) => {
    const names = (patch.containers ?? []).map((c) => c.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: "custom", path: ["containers", i, "name"], message: `${n} is named twice` });
    });
  });

export type TAppPatch = z.infer<typeof ZAppPatch>;

export const ZCanaryStart = z.strictObject({
  container: ZContainerName,
  image: ZImageRef,
  sets: z.union([z.number().int().min(1).max(100), z.array(z.string().min(1).max(64)).min(1).max(100)]),
});
export type TCanaryStart = z.infer<typeof ZCanaryStart>;

export const ZCanary = z.object({
  container: z.string(),
  image: z.string(),
  previousImage: z.string(),
  /** Digests the two resolved to (null: not from Berth's registry, or a canary from before digests). */
  digest: z.string().nullable().optional(),
  /** Per canary set: the digest it ran before, which rollback restores (sets of one tag may differ). */
  previousDigests: z.record(z.string(), z.string().nullable()).optional(),
  setIds: z.array(z.string()),
  startedAt: z.string(),
});
export type TCanary = z.infer<typeof ZCanary>;

export const ZSetContainerView = z.object({
  name: z.string(),
  index: z.number().int(),
  image: z.string(),
  /** The digest the image resolved to when the set got it (null: not from Berth's registry). */
  imageDigest: z.string().nullable(),
  state: z.string(),
  dockerId: z.string().nullable(),
  limits: z.object({ cpu: z.number(), memoryBytes: z.number() }),
  /** Writable-layer size at the host's last disk scan. */
  diskBytes: z.number().nullable(),
  /** OOM kills inside this container (of any of its processes), the last one with its cause. */
  oom: z.object({ kills: z.number().int(), lastAt: z.string().nullable(), lastCause: z.string().nullable() }),
});
/** A published port of one set: reachable at `hostAddress:hostPort`. */
export const ZEndpoint = z.object({
  name: z.string(),
  /** The set's host, by name. */
  host: z.string().nullable(),
  hostAddress: z.string().nullable(),
  hostPort: z.number().int(),
  port: z.number().int(),
  protocol: z.enum(["tcp", "udp"]),
  /** The agent's last TCP connect to the host port on its host: null before the first probe (and for UDP). */
  reachable: z.boolean().nullable(),
});
export type TEndpoint = z.infer<typeof ZEndpoint>;

export const ZSetView = z.object({
  id: z.string(),
  /** Stable name `<app>-<n>`: the set's DNS name in its team network. */
  name: z.string(),
  app: z.string(),
  team: z.string(),
  host: z
    .object({
      id: z.string(),
      name: z.string(),
      /** When not Ready, the set's state is the last one its host reported. */
      status: z.enum(["Ready", "NotReady", "Unreachable"]),
    })
    .nullable(),
  state: z.string(),
  reason: z.string().nullable(),
  ip: z.string().nullable(),
  endpoints: z.array(ZEndpoint),
  size: z.object({ cpu: z.number(), memoryMiB: z.number(), diskGiB: z.number() }),
  containers: z.array(ZSetContainerView),
  volume: z.object({ sizeGiB: z.number(), path: z.string(), usedBytes: z.number().nullable() }).nullable(),
  /**
   * The containers' writable layers against the set's share of its host's disk (its disk size, at
   * least BERTH_ROOTFS_SHARE_MIN_MIB). `usedBytes` null: not measured yet.
   */
  writableLayers: z.object({ usedBytes: z.number().nullable(), shareBytes: z.number(), over: z.boolean() }),
  createdAt: z.string(),
});
export type TSetView = z.infer<typeof ZSetView>;

export const ZAppView = z.object({
  id: z.string(),
  name: z.string(),
  team: z.string(),
  replicas: z.number().int(),
  size: z.object({ cpu: z.number(), memoryMiB: z.number(), diskGiB: z.number() }),
  volumePath: z.string(),
  containers: z.array(ZAppContainer),
  ports: z.array(ZAppPort),
  canary: ZCanary.nullable(),
  /** The autoscale policy and its status; null: autoscaling is off. */
  autoscale: ZAutoscaleView.nullable(),
  sets: z.array(ZSetView),
  /** Every set's published endpoints, with the set they reach. */
  endpoints: z.array(ZEndpoint.extend({ setId: z.string(), set: z.string() })),
  createdAt: z.string(),
});
export type TAppView = z.infer<typeof ZAppView>;

export const ZVolumeView = z.object({
  id: z.string(),
  app: z.string().nullable(),
  setId: z.string().nullable(),
  host: z.string().nullable(),
  sizeGiB: z.number(),
  usedBytes: z.number(),
  trashedAt: z.string().nullable(),
  purgeAfter: z.string().nullable(),
});
export const ZVolumeQuery = z.strictObject({ trashed: z.enum(["0", "1"]).optional() });
export const ZVolumeRestoreBody = z.strictObject({ setId: z.string().min(1).max(64) });

/** Moving a set off a lost host leaves its volume's data there: the caller must say so. */
export const ZSetRecoverBody = z.strictObject({
  acceptDataLoss: z.literal(true, "acceptDataLoss must be true: the set starts elsewhere with an empty volume (its data stays on the lost host)"),
});

export const ZTeamNetwork = z.object({
  /** Berth's address pool and the size of one team's subnet on one host. */
  pool: z.string(),
  subnetPrefix: z.number().int(),
  subnets: z.array(
    z.object({
      host: z.object({ id: z.string(), name: z.string() }),
      cidr: z.string(),
      gateway: z.string(),
      sets: z.array(z.object({ id: z.string(), name: z.string(), app: z.string(), ip: z.string().nullable(), state: z.string() })),
    }),
  ),
});
export type TTeamNetwork = z.infer<typeof ZTeamNetwork>;

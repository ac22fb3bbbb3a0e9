import { z } from "zod";
import { ZEndpointProbe, type TInventory, type TSetAction, type TSetApply, type TSetStatus, type TTrashEntry, type TVolumeReceive, type TVolumeRestore, type TVolumeSend, type TVolumeTransferred } from "./agent";
import type { TAckFn } from "./ack";
import type { TAlertChanged } from "./alerts";
import type { TMetricsSample, TMetricsWatch } from "./metrics";
import type { TAgentStreamClientToServer, TAgentStreamServerToClient } from "./streams";

/** Bumped when console and agent stop understanding each other; checked at handshake. */
export const PROTOCOL_VERSION = 1;

export { ZAckError, type TAck, type TAckFn } from "./ack";

// ---- /ui namespace (browsers and API-token clients) ----

export const ZSetRef = z.strictObject({ setId: z.string().min(1).max(64) });
export const ZTerminalOpen = z.strictObject({
  setId: z.string().min(1).max(64),
  container: z.string().min(1).max(64),
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});
export const ZTerminalInput = z.strictObject({
  sessionId: z.string().min(1).max(64),
  data: z.union([z.string().max(65536), z.instanceof(Uint8Array)]),
});
export const ZTerminalResize = z.strictObject({
  sessionId: z.string().min(1).max(64),
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});
export const ZTerminalClose = z.strictObject({ sessionId: z.string().min(1).max(64) });

export { ZContainerSample, ZMetricsSample, type TMetricsSample } from "./metrics";

export interface TWhoAmI {
  userId: string;
  email: string;
  isAdmin: boolean;
}

export interface TUiClientToServer {
  whoami: (ack: TAckFn<TWhoAmI>) => void;
  "metrics:subscribe": (payload: unknown, ack: TAckFn<null>) => void;
  "metrics:unsubscribe": (payload: unknown, ack: TAckFn<null>) => void;
  "terminal:open": (payload: unknown, ack: TAckFn<{ sessionId: string }>) => void;
  "terminal:input": (payload: unknown) => void;
  "terminal:resize": (payload: unknown) => void;
  "terminal:close": (payload: unknown) => void;
}

export interface TUiServerToClient {
  /** The client acks once it has consumed the data (xterm write callback): output flow control. */
  "terminal:output": (payload: { sessionId: string; data: Uint8Array | string }, ack: () => void) => void;
  "terminal:exit": (payload: { sessionId: string; code: number | null; reason: string }) => void;
  "metrics:sample": (payload: TMetricsSample) => void;
  "set:state": (payload: { setId: string; state: string; containers: unknown[] }) => void;
  /** One of the team's alerts (platform alerts: to admins) fired or resolved. */
  "alert:changed": (payload: TAlertChanged) => void;
}

// ---- /agent namespace (one connection per host) ----

export const ZAgentHandshake = z.object({
  protocolVersion: z.number().int(),
  credential: z.string().min(16).max(200),
});
export type TAgentHandshake = z.infer<typeof ZAgentHandshake>;

export const ZHostCapacity = z.object({
  cpuCores: z.number().min(0),
  memoryBytes: z.number().min(0),
  diskFreeBytes: z.number().min(0),
  volumeFreeBytes: z.number().min(0),
});

export const ZAgentHeartbeat = z.object({
  capacity: ZHostCapacity,
  labels: z.record(z.string(), z.string()).default({}),
  agentVersion: z.string().max(64),
  dockerVersion: z.string().max(64).optional(),
  statusReason: z.string().max(500).nullable().optional(),
  /** False when the agent's Docker engine fails or does not answer: the host is NotReady. */
  engineReady: z.boolean().optional(),
  /** Where the host's published ports are reached (an address or a DNS name). */
  address: z.string().regex(/^[A-Za-z0-9.:-]{1,253}$/).optional(),
  /** The agent's TCP connects to its sets' published ports. */
  endpoints: z.array(ZEndpointProbe).max(2048).optional(),
  /** Whether the host could pull from Berth's registry with its credential, at its last hello. */
  registryPull: z.object({ ok: z.boolean(), error: z.string().max(500).optional(), checkedAt: z.iso.datetime() }).optional(),
});
export type TAgentHeartbeat = z.infer<typeof ZAgentHeartbeat>;

/** Images a host should have soon: the pinned references its next sets run. */
export const ZImagePull = z.strictObject({ images: z.array(z.string().min(1).max(512)).min(1).max(64) });
export type TImagePull = z.infer<typeof ZImagePull>;

/** A pull under way on a host: bytes downloaded of the layers' total (as far as Docker knows it yet). */
export const ZImagePullProgress = z.strictObject({
  image: z.string().min(1).max(512),
  doneBytes: z.number().int().min(0),
  totalBytes: z.number().int().min(0),
  finished: z.boolean(),
});
export type TImagePullProgress = z.infer<typeof ZImagePullProgress>;

export interface TAgentClientToServer extends TAgentStreamClientToServer {
  /** Progress of pulls, at most about once a second per image (lib/protocol/events.ts ZImagePullProgress). */
  "image:progress": (payload: unknown) => void;
  heartbeat: (payload: unknown, ack: TAckFn<{ hostId: string }>) => void;
  /** Full inventory, sent on every (re)connect and when asked. */
  inventory: (payload: unknown, ack: TAckFn<null>) => void;
  "container:event": (payload: unknown) => void;
  /** A removed set's volume went to this host's recycle bin. */
  "volume:trashed": (payload: unknown) => void;
  /** One batched metrics message per tick (lib/protocol/metrics.ts ZMetricsBatch). */
  "metrics:batch": (payload: unknown) => void;
  /** Raw bytes of a volume image received so far (lib/protocol/agent.ts ZVolumeProgress), about twice a second. */
  "volume:progress": (payload: unknown) => void;
  /** Writable layers, set volumes and recycle bin on this host (lib/protocol/agent.ts ZDiskUsage). */
  "disk:usage": (payload: unknown) => void;
}

/** The console's bundle an agent should become (GET /api/v1/agent/download serves it). */
export const ZAgentUpgrade = z.strictObject({ version: z.string().min(1).max(100), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type TAgentUpgrade = z.infer<typeof ZAgentUpgrade>;

export interface TAgentServerToClient extends TAgentStreamServerToClient {
  /** Replace the agent's own file with the console's bundle, answer, then restart (exit 75). */
  "agent:upgrade": (payload: TAgentUpgrade, ack: TAckFn<{ from: string; to: string }>) => void;
  /** `registry`: Berth's registry (host:port); the agent pulls from it, and only from it, with its host credential. */
  /** `infraImage`: the infra image pinned in that registry (`…/library/berth-infra@sha256:…`), pulled when the host lacks one. */
  hello: (payload: { hostId: string; name: string; registry: string | null; infraImage?: string | null }) => void;
  "set:apply": (payload: TSetApply, ack: TAckFn<TSetStatus>) => void;
  /** Start pulling these images now (sets that need them are on their way); answers at once. */
  "image:pull": (payload: TImagePull, ack: TAckFn<{ started: number }>) => void;
  "set:action": (payload: TSetAction, ack: TAckFn<TSetStatus | null>) => void;
  "inventory:get": (ack: TAckFn<TInventory>) => void;
  "set:status": (payload: { setId: string }, ack: TAckFn<TSetStatus | null>) => void;
  "volume:restore": (payload: TVolumeRestore, ack: TAckFn<{ displaced: TTrashEntry | null }>) => void;
  "volume:purge": (payload: { trashKey: string }, ack: TAckFn<null>) => void;
  /** Stop the set, unmount its volume and send the image to the console's transfer relay. */
  "volume:send": (payload: TVolumeSend, ack: TAckFn<TVolumeTransferred>) => void;
  /** Take the set's volume image from the relay (before the set's apply on this host). */
  "volume:receive": (payload: TVolumeReceive, ack: TAckFn<TVolumeTransferred>) => void;
  "metrics:watch": (payload: TMetricsWatch, ack: TAckFn<{ watching: number }>) => void;
  "metrics:unwatch": (payload: TMetricsWatch, ack: TAckFn<{ watching: number }>) => void;
}

export const ZEnrollRequest = z.strictObject({
  token: z.string().min(16).max(200),
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, "letters, digits, . _ -"),
  zone: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/).optional(),
  labels: z.record(z.string().max(64), z.string().max(256)).optional(),
});
export type TEnrollRequest = z.infer<typeof ZEnrollRequest>;
export const ZEnrollResponse = z.object({ hostId: z.string(), credential: z.string() });
export type TEnrollResponse = z.infer<typeof ZEnrollResponse>;

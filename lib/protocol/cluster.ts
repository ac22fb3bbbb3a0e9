import { z } from "zod";
import { ZExecExit, ZStreamId } from "./streams";
import { ZMetricsPoint } from "./metrics";

/**
 * Messages between console replicas (Socket.IO server-side events over the shared adapter). The
 * replica holding a host's agent passes on what its agent sends for streams another replica
 * opened, and tells the others when an agent comes or goes.
 */
const ZHostId = z.string().min(1).max(64);

export const ZStreamRelay = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("exec:output"), hostId: ZHostId, sessionId: ZStreamId, base64: z.string().max(2_000_000) }),
  z.strictObject({ kind: z.literal("exec:written"), hostId: ZHostId, sessionId: ZStreamId, bytes: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal("exec:exit"), hostId: ZHostId, exit: ZExecExit }),
  z.strictObject({ kind: z.literal("logs:end"), hostId: ZHostId, streamId: ZStreamId, reason: z.string().max(500) }),
]);
export type TStreamRelay = z.infer<typeof ZStreamRelay>;

export const ZLogsRelay = z.strictObject({ hostId: ZHostId, streamId: ZStreamId, data: z.string() });
export type TLogsRelay = z.infer<typeof ZLogsRelay>;

export const ZAgentPresence = z.strictObject({ hostId: ZHostId, state: z.enum(["connected", "gone"]) });
export type TAgentPresence = z.infer<typeof ZAgentPresence>;

export const ZAccessChanged = z.strictObject({ userIds: z.array(z.string().min(1).max(64)).max(10_000) });
export type TAccessChanged = z.infer<typeof ZAccessChanged>;

export const ZMetricsWindowAsk = z.strictObject({ setId: z.string().min(1).max(64), since: z.number() });
export type TMetricsWindowAsk = z.infer<typeof ZMetricsWindowAsk>;
/** A replica's 1-second window of one set, per container (empty when it holds none). */
export const ZMetricsWindow = z.array(z.object({ name: z.string().max(64), points: z.array(ZMetricsPoint).max(2000) })).max(64);
export type TMetricsWindow = z.infer<typeof ZMetricsWindow>;

/**
 * Between replicas on /ui: a user's access changed on one, their sockets on all are re-checked;
 * a set's recent samples are asked of the replica that receives its agent's batches.
 */
export interface TUiReplicaEvents {
  "access:changed": (message: TAccessChanged) => void;
  "metrics:window": (message: TMetricsWindowAsk, ack: (window: TMetricsWindow) => void) => void;
}

export interface TReplicaEvents {
  "relay:stream": (message: TStreamRelay) => void;
  /** Answered true by the replica whose log stream consumed the chunk (the agent's backpressure). */
  "relay:logs": (message: TLogsRelay, ack: (consumed: boolean) => void) => void;
  "relay:agent": (message: TAgentPresence) => void;
}

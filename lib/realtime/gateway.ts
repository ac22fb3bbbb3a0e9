import { AppError, type TErrorCode } from "../errors";
import { ZAckEnvelope, ZAgentErrorCode, type TAckData, type TAgentErrorCode, type TCommandName, type TCommandPayload, type TNotificationName } from "../protocol/ack";
import type { TAgentServerToClient } from "../protocol/events";
import { clusterAgentNamespace, hostRoom, localAgentSocket, type TAgentSocket } from "./agents";

/**
 * The one way the console talks to agents: commands with an answer (`callAgent`) and
 * notifications without one (`notifyAgent`), typed by the /agent event map. Agent error codes
 * become AppError codes here, and only here, so a missing set is NOT_FOUND (404) whichever
 * command found it missing.
 */

export type TAgentCommand = TCommandName<TAgentServerToClient>;
export type TAgentNotification = TNotificationName<TAgentServerToClient>;
type TResult<E extends TAgentCommand> = TAckData<TAgentServerToClient[E]>;

export const AGENT_ERROR_CODES: Record<TAgentErrorCode, TErrorCode> = {
  VALIDATION: "VALIDATION",
  NOT_FOUND: "NOT_FOUND",
  NOT_RUNNING: "CONFLICT",
  NO_SHELL: "CONFLICT",
  LIMIT: "RATE_LIMITED",
  WRONG_HOST: "CONFLICT",
  UNSUPPORTED: "CONFLICT",
  IMAGE_UNAVAILABLE: "UNAVAILABLE",
  VOLUME_TOOLS_MISSING: "UNAVAILABLE",
  VOLUME_CHECK_FAILED: "UNAVAILABLE",
  VOLUME_FAILED: "UNAVAILABLE",
  VOLUME_EXISTS: "CONFLICT",
  CHECKSUM: "UNAVAILABLE",
  DOWNLOAD: "UNAVAILABLE",
  BROKEN_BUNDLE: "UNAVAILABLE",
  DOCKER: "UNAVAILABLE",
  INTERNAL: "UNAVAILABLE",
};

/** Docker create+start of a set can take a while when images are pulled. */
const SLOW_MS = 120_000;

/** How long each command may take before the caller gets UNAVAILABLE. */
export const COMMAND_TIMEOUT_MS: Record<TAgentCommand, number> = {
  "set:apply": SLOW_MS,
  "set:action": SLOW_MS,
  "set:status": 30_000,
  "inventory:get": 30_000,
  "image:pull": 10_000,
  "volume:restore": SLOW_MS,
  "volume:purge": 30_000,
  // Download, checksum and a trial start of the new file: the time a slow link needs.
  "agent:upgrade": SLOW_MS,
  "metrics:watch": 10_000,
  "metrics:unwatch": 10_000,
  "exec:open": 20_000,
  "logs:open": 20_000,
  // A volume copy streams a whole image through the console: the slowest part of a drain.
  "volume:send": 3_600_000,
  "volume:receive": 3_600_000,
};

/** The agent's refusal as the console's error; its own code is kept in `details.agentCode`. */
export function agentError(code: string, message: string): AppError {
  const known = ZAgentErrorCode.safeParse(code);
  const agentCode = known.success ? known.data : "INTERNAL";
  return new AppError(AGENT_ERROR_CODES[agentCode], message, { agentCode });
}

interface TEmitter {
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
}

/**
 * Sends `event` to the host's agent and resolves with the data of its answer. The agent may be
 * connected to this replica or, with BERTH_REDIS_URL, to another one (the adapter carries the
 * command and its acknowledgement). Fails with UNAVAILABLE when the agent is connected nowhere,
 * disconnects before answering (at once when it was connected here, else at the timeout) or does
 * not answer in time; with the mapped code when it refuses.
 */
export async function callAgent<E extends TAgentCommand>(
  hostId: string,
  event: E,
  payload: TCommandPayload<TAgentServerToClient[E]>,
  options: { timeoutMs?: number } = {},
): Promise<TResult<E>> {
  const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS[event];
  const args = payload === undefined ? [] : [payload];
  const local = localAgentSocket(hostId);
  const reply = local ? await callLocal(local, hostId, event, args, timeoutMs) : await callElsewhere(hostId, event, args, timeoutMs);
  const envelope = ZAckEnvelope.safeParse(reply);
  if (!envelope.success) throw new AppError("UNAVAILABLE", `The agent of host ${hostId} answered ${event} with a malformed reply`);
  if (!envelope.data.ok) throw agentError(envelope.data.error.code, envelope.data.error.message);
  return envelope.data.data as TResult<E>;
}

const notConnected = (hostId: string) => new AppError("UNAVAILABLE", `The agent of host ${hostId} is not connected`);
const tooSlow = (hostId: string, event: string, timeoutMs: number) =>
  new AppError("UNAVAILABLE", `The agent of host ${hostId} did not answer ${event} within ${Math.round(timeoutMs / 1000)} s`);

function callLocal(socket: TAgentSocket, hostId: string, event: string, args: unknown[], timeoutMs: number): Promise<unknown> {
  const emitter = socket.timeout(timeoutMs) as unknown as TEmitter;
  return new Promise<unknown>((resolve, reject) => {
    const onDisconnect = () => reject(new AppError("UNAVAILABLE", `The agent of host ${hostId} disconnected before it answered ${event}`));
    socket.once("disconnect", onDisconnect);
    emitter
      .emitWithAck(event, ...args)
      .then(resolve, () => reject(tooSlow(hostId, event, timeoutMs)))
      .finally(() => socket.off("disconnect", onDisconnect));
  });
}

/** Through the adapter to whichever replica holds the agent: an empty answer means none does. */
async function callElsewhere(hostId: string, event: string, args: unknown[], timeoutMs: number): Promise<unknown> {
  const ns = clusterAgentNamespace();
  if (!ns) throw notConnected(hostId);
  const emitter = ns.to(hostRoom(hostId)).timeout(timeoutMs) as unknown as TEmitter;
  const replies = await emitter.emitWithAck(event, ...args).catch(() => {
    throw tooSlow(hostId, event, timeoutMs);
  });
  if (!Array.isArray(replies) || replies.length === 0) throw notConnected(hostId);
  return replies[0];
}

/**
 * Sends a notification to the host's agent. False when it is certainly not connected (on a single
 * replica); with other replicas it is sent through the adapter, and a stream whose agent is gone
 * learns it from that replica (lib/realtime/agent-streams.ts).
 */
export function notifyAgent<E extends TAgentNotification>(hostId: string, event: E, ...args: Parameters<TAgentServerToClient[E]>): boolean {
  const local = localAgentSocket(hostId) as unknown as { emit(event: string, ...args: unknown[]): unknown } | null;
  if (local) {
    local.emit(event, ...args);
    return true;
  }
  const ns = clusterAgentNamespace() as unknown as { to(room: string): { emit(event: string, ...args: unknown[]): unknown } } | null;
  if (!ns) return false;
  ns.to(hostRoom(hostId)).emit(event, ...args);
  return true;
}

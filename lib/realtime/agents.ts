import type { Socket } from "socket.io";
import { AppError } from "../errors";
import type { TInventory, TSetAction, TSetApply, TSetStatus, TTrashEntry, TVolumeRestore } from "../protocol/agent";
import type { TAck, TAgentClientToServer, TAgentServerToClient, TAgentUpgrade } from "../protocol/events";

export type TAgentSocket = Socket<TAgentClientToServer, TAgentServerToClient>;

// One registry for server.ts and Next's route handlers, which load this module separately.
const holder = globalThis as unknown as { berthAgents?: Map<string, TAgentSocket> };
function registry(): Map<string, TAgentSocket> {
  holder.berthAgents ??= new Map();
  return holder.berthAgents;
}

export function registerAgent(hostId: string, socket: TAgentSocket): void {
  const previous = registry().get(hostId);
  // A host has one live connection: a reconnect replaces (and closes) the stale one.
  if (previous && previous.id !== socket.id) previous.disconnect(true);
  registry().set(hostId, socket);
}

export function unregisterAgent(hostId: string, socket: TAgentSocket): void {
  if (registry().get(hostId)?.id === socket.id) registry().delete(hostId);
}

export function connectedHostIds(): string[] {
  return [...registry().keys()];
}

export function agentSocket(hostId: string): TAgentSocket {
  const socket = registry().get(hostId);
  if (!socket?.connected) throw new AppError("UNAVAILABLE", `The agent of host ${hostId} is not connected`);
  return socket;
}

function unwrap<T>(ack: TAck<T>): T {
  if (ack.ok) return ack.data;
  throw new AppError(ack.error.code === "VALIDATION" ? "VALIDATION" : "UNAVAILABLE", ack.error.message, { agentCode: ack.error.code });
}

/** Docker create+start of a set can take a while when images are pulled. */
const APPLY_TIMEOUT_MS = 120_000;

/**
 * Socket.IO keeps an ack pending until its timeout even when the socket drops. A call to an agent
 * that disconnects fails at once instead, so the caller can record it and the reconciler retries
 * on the agent's next hello.
 */
function untilDisconnect<T>(socket: TAgentSocket, call: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onDisconnect = () => reject(new AppError("UNAVAILABLE", "The agent disconnected before it answered"));
    socket.once("disconnect", onDisconnect);
    call.then(resolve, reject).finally(() => socket.off("disconnect", onDisconnect));
  });
}

export async function agentApply(hostId: string, payload: TSetApply): Promise<TSetStatus> {
  const socket = agentSocket(hostId);
  return unwrap(await untilDisconnect(socket, socket.timeout(APPLY_TIMEOUT_MS).emitWithAck("set:apply", payload)));
}

export async function agentPrePull(hostId: string, images: string[]): Promise<{ started: number }> {
  const socket = agentSocket(hostId);
  return unwrap(await untilDisconnect(socket, socket.timeout(10_000).emitWithAck("image:pull", { images })));
}

export async function agentAction(hostId: string, payload: TSetAction): Promise<TSetStatus | null> {
  const socket = agentSocket(hostId);
  return unwrap(await untilDisconnect(socket, socket.timeout(APPLY_TIMEOUT_MS).emitWithAck("set:action", payload)));
}

export async function agentInventory(hostId: string): Promise<TInventory> {
  const socket = agentSocket(hostId);
  return unwrap(await untilDisconnect(socket, socket.timeout(30_000).emitWithAck("inventory:get")));
}

export async function agentSetStatus(hostId: string, setId: string): Promise<TSetStatus | null> {
  const socket = agentSocket(hostId);
  return unwrap(await untilDisconnect(socket, socket.timeout(30_000).emitWithAck("set:status", { setId })));
}

export async function agentVolumeRestore(hostId: string, payload: TVolumeRestore): Promise<{ displaced: TTrashEntry | null }> {
  const socket = agentSocket(hostId);
  return unwrap(await untilDisconnect(socket, socket.timeout(APPLY_TIMEOUT_MS).emitWithAck("volume:restore", payload)));
}

export async function agentVolumePurge(hostId: string, trashKey: string): Promise<null> {
  const socket = agentSocket(hostId);
  return unwrap(await untilDisconnect(socket, socket.timeout(30_000).emitWithAck("volume:purge", { trashKey })));
}

export async function agentUpgrade(hostId: string, payload: TAgentUpgrade): Promise<{ from: string; to: string }> {
  const socket = agentSocket(hostId);
  // Download, checksum and a trial start of the new file: give it the time a slow link needs.
  return unwrap(await untilDisconnect(socket, socket.timeout(APPLY_TIMEOUT_MS).emitWithAck("agent:upgrade", payload)));
}

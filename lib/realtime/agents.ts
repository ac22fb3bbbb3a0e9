import type { Socket } from "socket.io";
import { AppError } from "../errors";
import type { TInventory, TSetAction, TSetApply, TSetStatus } from "../protocol/agent";
import type { TAck, TAgentClientToServer, TAgentServerToClient } from "../protocol/events";

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

function agentSocket(hostId: string): TAgentSocket {
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

export async function agentApply(hostId: string, payload: TSetApply): Promise<TSetStatus> {
  return unwrap(await agentSocket(hostId).timeout(APPLY_TIMEOUT_MS).emitWithAck("set:apply", payload));
}

export async function agentAction(hostId: string, payload: TSetAction): Promise<TSetStatus | null> {
  return unwrap(await agentSocket(hostId).timeout(APPLY_TIMEOUT_MS).emitWithAck("set:action", payload));
}

export async function agentInventory(hostId: string): Promise<TInventory> {
  return unwrap(await agentSocket(hostId).timeout(30_000).emitWithAck("inventory:get"));
}

export async function agentSetStatus(hostId: string, setId: string): Promise<TSetStatus | null> {
  return unwrap(await agentSocket(hostId).timeout(30_000).emitWithAck("set:status", { setId }));
}

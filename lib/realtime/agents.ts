import type { Socket } from "socket.io";
import { AppError } from "../errors";
import type { TAgentClientToServer, TAgentServerToClient } from "../protocol/events";

export type TAgentSocket = Socket<TAgentClientToServer, TAgentServerToClient>;

/**
 * Which agent sockets this process holds, by host. One map for server.ts and Next's route
 * handlers, which load this module separately.
 */
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

export function isAgentConnected(hostId: string): boolean {
  return registry().get(hostId)?.connected === true;
}

/** Closes the host's agent connection, if this process holds it (a revoked host). */
export function disconnectAgent(hostId: string): boolean {
  const socket = registry().get(hostId);
  if (!socket) return false;
  registry().delete(hostId);
  socket.disconnect(true);
  return true;
}

/** The gateway's way in; other modules call agents through lib/realtime/gateway.ts. */
export function agentSocket(hostId: string): TAgentSocket {
  const socket = registry().get(hostId);
  if (!socket?.connected) throw new AppError("UNAVAILABLE", `The agent of host ${hostId} is not connected`);
  return socket;
}

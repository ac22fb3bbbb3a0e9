import type { Socket } from "socket.io";
import { AppError } from "../errors";
import type { TAgentClientToServer, TAgentServerToClient } from "../protocol/events";
import type { TAgentNamespace } from "./types";

export type TAgentSocket = Socket<TAgentClientToServer, TAgentServerToClient>;

/**
 * Which agent sockets this process holds, by host, and the /agent namespace through which the
 * agents other replicas hold are reached. One copy for server.ts and Next's route handlers, which
 * load this module separately.
 */
const holder = globalThis as unknown as {
  berthAgents?: Map<string, TAgentSocket>;
  berthAgentNamespace?: { ns: TAgentNamespace; clustered: boolean };
};
function registry(): Map<string, TAgentSocket> {
  holder.berthAgents ??= new Map();
  return holder.berthAgents;
}

/** Every replica's agent socket of a host is in this room: the adapter routes to it. */
export function hostRoom(hostId: string): string {
  return `host:${hostId}`;
}

/** `clustered`: other replicas exist behind a shared adapter (BERTH_REDIS_URL). */
export function setAgentNamespace(ns: TAgentNamespace, clustered: boolean): void {
  holder.berthAgentNamespace = { ns, clustered };
}

/** The /agent namespace when other replicas may hold agents; null for a single replica. */
export function clusterAgentNamespace(): TAgentNamespace | null {
  const a = holder.berthAgentNamespace;
  return a?.clustered ? a.ns : null;
}

export function registerAgent(hostId: string, socket: TAgentSocket): void {
  const previous = registry().get(hostId);
  // A host has one live connection: a reconnect replaces (and closes) the stale one.
  if (previous && previous.id !== socket.id) previous.disconnect(true);
  registry().set(hostId, socket);
  void socket.join(hostRoom(hostId));
}

export function unregisterAgent(hostId: string, socket: TAgentSocket): void {
  if (registry().get(hostId)?.id === socket.id) registry().delete(hostId);
}

/** The hosts whose agent is connected to this replica. */
export function localAgentHostIds(): string[] {
  return [...registry().keys()];
}

/**
 * The hosts whose agent is connected to any replica. Fails (rather than answer with this
 * replica's only) when the other replicas cannot be asked: a host must not look lost because
 * Redis was slow.
 */
export async function connectedHostIds(): Promise<string[]> {
  const ns = clusterAgentNamespace();
  if (!ns) return localAgentHostIds();
  const sockets = await ns.fetchSockets();
  return [...new Set([...localAgentHostIds(), ...sockets.map((s) => s.data.host.hostId)])];
}

export function isAgentConnected(hostId: string): boolean {
  return registry().get(hostId)?.connected === true;
}

/**
 * Closes the host's agent connection wherever it is held (a revoked host). True when this replica
 * held it; with other replicas the request goes to them too.
 */
export function disconnectAgent(hostId: string): boolean {
  clusterAgentNamespace()?.in(hostRoom(hostId)).disconnectSockets(true);
  const socket = registry().get(hostId);
  if (!socket) return false;
  registry().delete(hostId);
  socket.disconnect(true);
  return true;
}

/** The gateway's way in; other modules call agents through lib/realtime/gateway.ts. */
export function localAgentSocket(hostId: string): TAgentSocket | null {
  const socket = registry().get(hostId);
  return socket?.connected ? socket : null;
}

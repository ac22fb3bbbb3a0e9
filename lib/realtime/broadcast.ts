import type { Namespace } from "socket.io";
import type { TPrincipal } from "../auth/principal";
import type { TUiNamespace } from "./types";

/** The /ui namespace, reachable from route handlers (a separate module copy) via globalThis. */
const holder = globalThis as unknown as { berthUi?: Namespace; berthUiClustered?: boolean };

export function setUiNamespace(ns: Namespace, clustered = false): void {
  holder.berthUi = ns;
  holder.berthUiClustered = clustered;
}

/** The /ui namespace when other replicas share it (BERTH_REDIS_URL), for asking them; else null. */
export function clusterUiNamespace(): TUiNamespace | null {
  return holder.berthUiClustered && holder.berthUi ? (holder.berthUi as unknown as TUiNamespace) : null;
}

export function teamRoom(teamId: string): string {
  return `team:${teamId}`;
}

export function isTeamRoom(room: string): boolean {
  return room.startsWith("team:");
}

/** Platform admins see every team's sets, so they hear every team's changes. */
export const ADMIN_ROOM = "admins";

export function broadcastToTeam(teamId: string, event: string, payload: unknown): void {
  holder.berthUi?.to([teamRoom(teamId), ADMIN_ROOM]).emit(event, payload);
}

/** What only platform admins hear (platform alerts). */
export function broadcastToAdmins(event: string, payload: unknown): void {
  holder.berthUi?.to(ADMIN_ROOM).emit(event, payload);
}

/**
 * Ends the browser and API sockets whose credentials no longer hold (a revoked token, a session
 * signed out everywhere, a disabled user), at once rather than at their next reconnect.
 */
export function disconnectUiSockets(stillValid: (p: TPrincipal) => boolean): number {
  const ns = holder.berthUi;
  if (!ns) return 0;
  let closed = 0;
  for (const socket of ns.sockets.values()) {
    const principal = (socket.data as { principal?: TPrincipal }).principal;
    if (principal && !stillValid(principal)) {
      socket.disconnect(true);
      closed += 1;
    }
  }
  return closed;
}

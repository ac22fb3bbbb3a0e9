import type { Namespace } from "socket.io";

/** The /ui namespace, reachable from route handlers (a separate module copy) via globalThis. */
const holder = globalThis as unknown as { berthUi?: Namespace };

export function setUiNamespace(ns: Namespace): void {
  holder.berthUi = ns;
}

export function teamRoom(teamId: string): string {
  return `team:${teamId}`;
}

/** Platform admins see every team's sets, so they hear every team's changes. */
export const ADMIN_ROOM = "admins";

export function broadcastToTeam(teamId: string, event: string, payload: unknown): void {
  holder.berthUi?.to([teamRoom(teamId), ADMIN_ROOM]).emit(event, payload);
}

import type { Namespace } from "socket.io";

/** The /ui namespace, reachable from route handlers (a separate module copy) via globalThis. */
const holder = globalThis as unknown as { berthUi?: Namespace };

export function setUiNamespace(ns: Namespace): void {
  holder.berthUi = ns;
}

export function teamRoom(teamId: string): string {
  return `team:${teamId}`;
}

export function broadcastToTeam(teamId: string, event: string, payload: unknown): void {
  holder.berthUi?.to(teamRoom(teamId)).emit(event, payload);
}

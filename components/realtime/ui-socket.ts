"use client";

import { io, type Socket } from "socket.io-client";
import type { TUiClientToServer, TUiServerToClient } from "@/lib/protocol/events";

/**
 * The tab's one /ui connection, shared by set events, charts and terminals: opened by the first
 * component that needs it, closed when the last one lets go. Terminal output is routed here by
 * session id, so each piece of output is acknowledged once, by the terminal that drew it.
 */
export type TUiSocket = Socket<TUiServerToClient, TUiClientToServer>;

interface TTerminalRoute {
  output(data: ArrayBuffer | Uint8Array | string, done: () => void): void;
  exit(e: { code: number | null; reason: string }): void;
}

let socket: TUiSocket | null = null;
let holders = 0;
let connected = false;
const connectedListeners = new Set<() => void>();
const terminals = new Map<string, TTerminalRoute>();

function setConnected(next: boolean): void {
  connected = next;
  for (const l of connectedListeners) l();
}

function open(): TUiSocket {
  // The session cookie authenticates the handshake, which the console accepts only with our own
  // Origin. Browsers send Origin on a WebSocket upgrade but not on a same-origin polling GET, so
  // long-polling (socket.io's default first transport) would be refused: WebSocket only.
  const s: TUiSocket = io(`${window.location.origin}/ui`, {
    path: "/socket.io",
    withCredentials: true,
    transports: ["websocket"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  s.on("connect", () => setConnected(true));
  s.on("disconnect", () => setConnected(false));
  s.on("connect_error", (err: Error) => {
    // Pages poll meanwhile; the log says why live updates are off.
    console.warn("live connection unavailable:", err.message);
    setConnected(false);
  });
  s.on("terminal:output", (p, ack) => {
    const done = typeof ack === "function" ? ack : () => undefined;
    const route = terminals.get(p.sessionId);
    // Output of a session no terminal here shows any more: consumed, so the agent's window moves on.
    if (!route) return done();
    route.output(p.data, done);
  });
  s.on("terminal:exit", (p) => terminals.get(p.sessionId)?.exit(p));
  return s;
}

/** Takes a hold on the tab's socket; give it back with `releaseUiSocket` (on unmount). */
export function acquireUiSocket(): TUiSocket {
  socket ??= open();
  holders += 1;
  return socket;
}

export function releaseUiSocket(): void {
  holders = Math.max(0, holders - 1);
  if (holders === 0 && socket) {
    socket.disconnect();
    socket = null;
    setConnected(false);
  }
}

/** Output and exit of `sessionId` go to `route` until the returned function is called. */
export function routeTerminal(sessionId: string, route: TTerminalRoute): () => void {
  terminals.set(sessionId, route);
  return () => {
    if (terminals.get(sessionId) === route) terminals.delete(sessionId);
  };
}

export function subscribeUiConnected(listener: () => void): () => void {
  connectedListeners.add(listener);
  return () => connectedListeners.delete(listener);
}

export function isUiConnected(): boolean {
  return connected;
}

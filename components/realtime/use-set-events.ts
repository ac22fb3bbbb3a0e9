"use client";

import { useEffect, useRef, useSyncExternalStore } from "react";
import { io, type Socket } from "socket.io-client";
import { z } from "zod";

/** What the console broadcasts to the members of a set's team whenever the set's state changes. */
const ZSetStateEvent = z.object({ setId: z.string(), state: z.string() });
export type TSetStateEvent = z.infer<typeof ZSetStateEvent>;

// One socket per tab, shared by every component that listens, opened by the first and closed by the last.
let socket: Socket | null = null;
let holders = 0;
let connected = false;
const listeners = new Set<() => void>();

function notify(next: boolean): void {
  connected = next;
  for (const l of listeners) l();
}

function acquire(): Socket {
  if (!socket) {
    // The session cookie authenticates the handshake, which the console accepts only with our own
    // Origin. Browsers send Origin on a WebSocket upgrade but not on a same-origin polling GET, so
    // long-polling (socket.io's default first transport) would be refused: WebSocket only.
    socket = io(`${window.location.origin}/ui`, { path: "/socket.io", withCredentials: true, transports: ["websocket"] });
    socket.on("connect", () => notify(true));
    socket.on("disconnect", () => notify(false));
    socket.on("connect_error", (err: Error) => {
      // Polling keeps the page current meanwhile; the log says why live updates are off.
      console.warn("live updates unavailable, polling instead:", err.message);
      notify(false);
    });
  }
  holders += 1;
  return socket;
}

function release(): void {
  holders -= 1;
  if (holders === 0 && socket) {
    socket.disconnect();
    socket = null;
    notify(false);
  }
}

function subscribeConnected(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls `onEvent` for every `set:state` the console sends; returns whether the socket is up. */
export function useSetEvents(onEvent: (e: TSetStateEvent) => void): boolean {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => {
    const s = acquire();
    const listen = (payload: unknown) => {
      const parsed = ZSetStateEvent.safeParse(payload);
      if (parsed.success) handler.current(parsed.data);
      else console.warn("ignored a malformed set:state event", parsed.error.message);
    };
    s.on("set:state", listen);
    return () => {
      s.off("set:state", listen);
      release();
    };
  }, []);
  return useSyncExternalStore(subscribeConnected, () => connected, () => false);
}

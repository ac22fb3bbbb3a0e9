"use client";

import { useEffect, useRef, useSyncExternalStore } from "react";
import { z } from "zod";
import { acquireUiSocket, isUiConnected, releaseUiSocket, subscribeUiConnected } from "./ui-socket";

/** What the console broadcasts to the members of a set's team whenever the set's state changes. */
const ZSetStateEvent = z.object({
  setId: z.string(),
  state: z.string(),
  /** The containers as the agent reported them (empty when only the state changed). */
  containers: z.array(z.object({ name: z.string(), role: z.string().optional(), state: z.string() })).default([]),
});
export type TSetStateEvent = z.infer<typeof ZSetStateEvent>;

/** Calls `onEvent` for every `set:state` the console sends; returns whether the socket is up. */
export function useSetEvents(onEvent: (e: TSetStateEvent) => void): boolean {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => {
    const s = acquireUiSocket();
    const listen = (payload: unknown) => {
      const parsed = ZSetStateEvent.safeParse(payload);
      if (parsed.success) handler.current(parsed.data);
      else console.warn("ignored a malformed set:state event", parsed.error.message);
    };
    s.on("set:state", listen);
    return () => {
      s.off("set:state", listen);
      releaseUiSocket();
    };
  }, []);
  return useSyncExternalStore(subscribeUiConnected, isUiConnected, () => false);
}

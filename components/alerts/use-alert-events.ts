"use client";

import { useEffect, useRef } from "react";
import { ZAlertChanged, type TAlertChanged } from "@/lib/protocol/alerts";
import { acquireUiSocket, releaseUiSocket } from "../realtime/ui-socket";

/**
 * Calls `onChange` for every `alert:changed` the console pushes to this user's team rooms, and
 * with null whenever the socket (re)connects: what changed while it was down, or between the
 * page's render and the socket joining its rooms, was not heard and must be read again.
 */
export function useAlertEvents(onChange: (e: TAlertChanged | null) => void): void {
  const handler = useRef(onChange);
  useEffect(() => {
    handler.current = onChange;
  });
  useEffect(() => {
    const s = acquireUiSocket();
    const listen = (payload: unknown) => {
      const parsed = ZAlertChanged.safeParse(payload);
      if (parsed.success) handler.current(parsed.data);
      else console.warn("ignored a malformed alert:changed event", parsed.error.message);
    };
    // Rooms are joined just after the handshake: read again a moment after it.
    let joined: ReturnType<typeof setTimeout> | undefined;
    const connected = () => {
      clearTimeout(joined);
      joined = setTimeout(() => handler.current(null), 500);
    };
    s.on("alert:changed", listen);
    s.on("connect", connected);
    return () => {
      clearTimeout(joined);
      s.off("alert:changed", listen);
      s.off("connect", connected);
      releaseUiSocket();
    };
  }, []);
}

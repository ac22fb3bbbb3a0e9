"use client";

import { useEffect, useRef } from "react";
import { ZAlertChanged, type TAlertChanged } from "@/lib/protocol/alerts";
import { acquireUiSocket, releaseUiSocket } from "../realtime/ui-socket";

/** Calls `onChange` for every `alert:changed` the console pushes to this user's team rooms. */
export function useAlertEvents(onChange: (e: TAlertChanged) => void): void {
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
    s.on("alert:changed", listen);
    return () => {
      s.off("alert:changed", listen);
      releaseUiSocket();
    };
  }, []);
}

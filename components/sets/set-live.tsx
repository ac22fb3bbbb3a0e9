"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { LiveStatus } from "../apps/live-status";
import { useSetEvents } from "../realtime/use-set-events";

/**
 * Keeps the server-rendered set page current: a set:state for this set re-reads the page (state,
 * reason, containers), at most a few times a second since events come in bursts.
 */
export function SetLive({ setId }: { setId: string }) {
  const router = useRouter();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const connected = useSetEvents((e) => {
    if (e.setId !== setId || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      router.refresh();
    }, 250);
  });
  return <LiveStatus connected={connected} error={null} />;
}

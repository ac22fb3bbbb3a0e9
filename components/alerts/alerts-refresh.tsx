"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useAlertEvents } from "./use-alert-events";

/**
 * Re-renders the page's server components when one of the viewer's alerts fires or resolves and
 * when the socket (re)connects; with `poll`, also every 15 s while the tab is visible (pages with no
 * form to lose: what an event missed shows anyway).
 */
export function AlertsRefresh({ poll = false }: { poll?: boolean }) {
  const router = useRouter();
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useAlertEvents(() => {
    clearTimeout(debounce.current);
    debounce.current = setTimeout(() => router.refresh(), 200);
  });
  useEffect(() => {
    const timer = poll ? setInterval(() => document.visibilityState === "visible" && router.refresh(), 15_000) : undefined;
    return () => {
      clearInterval(timer);
      clearTimeout(debounce.current);
    };
  }, [router, poll]);
  return null;
}

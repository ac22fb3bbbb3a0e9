"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { z } from "zod";
import { apiFetch } from "../api-fetch";
import { cx } from "../ui/cx";
import { useAlertEvents } from "./use-alert-events";

const ZCount = z.array(z.object({ id: z.string() }));

/**
 * The header's bell: how many alerts fire now (the selected team's; every alert for admins).
 * An alert:changed push re-counts at once; a slow poll covers a dropped socket.
 */
export function AlertBell({ initialCount, countUrl }: { initialCount: number; countUrl: string | null }) {
  const [count, setCount] = useState(initialCount);
  const [seen, setSeen] = useState(initialCount);
  if (seen !== initialCount) {
    setSeen(initialCount);
    setCount(initialCount);
  }
  const recount = useCallback(async () => {
    if (!countUrl) return;
    try {
      setCount((await apiFetch(countUrl, { schema: ZCount })).length);
    } catch (err) {
      console.warn("alert count not read", err);
    }
  }, [countUrl]);
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useAlertEvents(() => {
    clearTimeout(debounce.current);
    debounce.current = setTimeout(() => void recount(), 150);
  });
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === "visible" && void recount(), 30_000);
    return () => {
      clearInterval(timer);
      clearTimeout(debounce.current);
    };
  }, [recount]);

  const label = count === 0 ? "Alerts: none firing" : `Alerts: ${count} firing`;
  return (
    <Link
      href="/alerts?state=firing"
      // On every page: prefetching it would hold one of the browser's few connections per origin.
      prefetch={false}
      aria-label={label}
      title={label}
      data-testid="alert-bell"
      className="relative inline-flex size-8 items-center justify-center rounded-md text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
    >
      <svg aria-hidden viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} className="size-5">
        <path strokeLinecap="round" strokeLinejoin="round" d="M14.5 18a2.5 2.5 0 0 1-5 0M6 10a6 6 0 1 1 12 0c0 3.5 1 5.5 2 6.5H4c1-1 2-3 2-6.5Z" />
      </svg>
      {count > 0 && (
        <span
          data-testid="alert-count"
          className={cx(
            "absolute -right-1 -top-1 grid min-w-4.5 place-items-center rounded-full px-1 text-[10px] font-semibold leading-4.5 text-white",
            "bg-red-600 dark:bg-red-500",
          )}
        >
          {count > 99 ? "99+" : count}
        </span>
      )}
    </Link>
  );
}

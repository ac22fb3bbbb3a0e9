"use client";

import { useSyncExternalStore } from "react";
import { exactTime, relativeTime } from "@/lib/ui/format";

// One clock for every timestamp on the page instead of a timer per row.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  now = Date.now();
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // A row that appears after a mutation must not read as "in a few seconds" against a stale clock.
  if (Date.now() - now > 1000) queueMicrotask(tick);
  timer ??= setInterval(tick, 30_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const snapshot = () => now;
// The server renders many requests from one module instance, so its clock is read per render, never cached.
const serverSnapshot = typeof window === "undefined" ? () => Date.now() : snapshot;

/** "3 minutes ago", with the exact local time on hover and in the machine-readable attribute. */
export function RelativeTime({ iso, fallback = "—" }: { iso: string | null; fallback?: string }) {
  const current = useSyncExternalStore(subscribe, snapshot, serverSnapshot);
  if (!iso) return <span className="text-zinc-500 dark:text-zinc-400">{fallback}</span>;
  // Server and browser render a few seconds (and maybe a locale) apart: the server's text stands until the next tick.
  return (
    <time dateTime={iso} title={exactTime(iso)} suppressHydrationWarning className="whitespace-nowrap">
      {relativeTime(iso, current)}
    </time>
  );
}

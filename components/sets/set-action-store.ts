"use client";

import { useSyncExternalStore } from "react";
import type { TActionProgress } from "@/lib/ui/action-progress";

/**
 * The start/stop/restart under way per set on this page, shared by the action buttons (which run
 * it and show its steps) and the state badge (which must not read Running while it restarts).
 */
const actions = new Map<string, TActionProgress>();
const listeners = new Set<() => void>();

export function setActionProgress(setId: string, p: TActionProgress | null): void {
  if (p) actions.set(setId, p);
  else actions.delete(setId);
  for (const l of listeners) l();
}

export function actionProgressOf(setId: string): TActionProgress | null {
  return actions.get(setId) ?? null;
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useActionProgress(setId: string): TActionProgress | null {
  return useSyncExternalStore(
    subscribe,
    () => actions.get(setId) ?? null,
    () => null,
  );
}

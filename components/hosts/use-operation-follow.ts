"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { ZOperationView, type TOperationView } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";

const POLL_MS = 1000;

/**
 * Re-reads a running operation (drain, agent rollout) every second and hands each new state to
 * `onUpdate`; when it ends the page's server data is re-read (statuses, versions, bars changed).
 */
export function useOperationFollow(op: TOperationView | null, onUpdate: (next: TOperationView) => void, onError: (message: string) => void): void {
  const router = useRouter();
  // The latest callbacks, without restarting the timer each time the caller renders.
  const callbacks = useRef({ onUpdate, onError });
  useEffect(() => {
    callbacks.current = { onUpdate, onError };
  });
  const running = op?.status === "Running" || op?.status === "Pending";

  useEffect(() => {
    if (!op || !running) return;
    const timer = setTimeout(() => {
      apiFetch(`/api/v1/operations/${encodeURIComponent(op.id)}`, { schema: ZOperationView }).then(
        (next) => {
          callbacks.current.onUpdate(next);
          if (next.status !== "Running" && next.status !== "Pending") router.refresh();
        },
        (err: unknown) => callbacks.current.onError(err instanceof Error ? err.message : String(err)),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [op, running, router]);
}

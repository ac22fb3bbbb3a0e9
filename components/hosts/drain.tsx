"use client";

import { useState } from "react";
import { ZDrainStarted, type TOperationView } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { ConfirmButton } from "../ui/confirm-button";
import { cx } from "../ui/cx";
import { useOperationFollow } from "./use-operation-follow";

/**
 * Drain: cordon, then move every set to other hosts one at a time (each runs there before its old
 * copy goes). Asks first and says what happens to volumes; then follows the operation every second
 * until it ends, and says how it ended.
 */
export function DrainHost({ id, name, hasSets, drain }: { id: string; name: string; hasSets: boolean; drain: TOperationView | null }) {
  // What this page has read or started itself; the server's row (`drain`) only changes on a refresh.
  const [live, setLive] = useState<TOperationView | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);
  const op = live && (!drain || live.id === drain.id || live.createdAt >= drain.createdAt) ? live : drain;
  const running = op?.status === "Running" || op?.status === "Pending";

  useOperationFollow(
    op,
    (next) => {
      setPollError(null);
      setLive(next);
    },
    (message) => {
      setPollError(message);
      // A new object: the follow tries again a second later.
      if (op) setLive({ ...op });
    },
  );

  return (
    <div className="flex flex-col items-end gap-1">
      <ConfirmButton
        label="Drain"
        ariaLabel={`Drain ${name}`}
        variant="secondary"
        disabledReason={running ? "A drain of this host is under way" : undefined}
        title={`Drain host ${name}?`}
        body={
          <>
            <p>The host is cordoned, then each of its sets is started on another host and, once it runs there, removed here: one set at a time.</p>
            {hasSets && (
              <p className="mt-2 font-medium">
                A set whose volume holds data moves with it: it stops, its volume is copied to the new host, and it starts there. The original stays in this
                host&apos;s recycle bin.
              </p>
            )}
          </>
        }
        confirmLabel="Drain host"
        onConfirm={async () => {
          const r = await apiFetch(`/api/v1/hosts/${encodeURIComponent(id)}/drain`, { method: "POST", schema: ZDrainStarted });
          const now = new Date().toISOString();
          setLive({ id: r.operationId, kind: "host.drain", status: "Running", error: null, progress: { total: r.sets, moved: 0 }, createdAt: now, updatedAt: now });
        }}
      />
      {op && <DrainStatus op={op} pollError={pollError} />}
    </div>
  );
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function DrainStatus({ op, pollError }: { op: TOperationView; pollError: string | null }) {
  const { moved, total, copy } = op.progress;
  const copying = copy && op.status === "Running" ? ` · copying a volume: ${mib(copy.bytes)} of ${mib(copy.total)} MiB` : "";
  const text =
    op.status === "Succeeded"
      ? `Drained: ${moved} of ${total} sets moved`
      : op.status === "Failed"
        ? `Drain stopped after ${moved} of ${total} sets: ${op.error ?? "unknown reason"}`
        : `Draining… ${moved} of ${total} sets moved${copying}`;
  return (
    <p
      role="status"
      data-testid="drain-status"
      data-status={op.status}
      className={cx(
        "max-w-56 whitespace-normal text-right text-xs",
        op.status === "Failed" ? "text-red-700 dark:text-red-300" : op.status === "Succeeded" ? "text-emerald-700 dark:text-emerald-300" : "text-blue-800 dark:text-blue-200",
      )}
    >
      {text}
      {pollError && <span className="block text-zinc-600 dark:text-zinc-400">progress not read: {pollError}</span>}
    </p>
  );
}

"use client";

import { useState } from "react";
import { ZUpgradeStarted, type TOperationView } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { useOperationFollow } from "./use-operation-follow";

/**
 * An agent older (or other) than the bundle this console serves: one click replaces it in place.
 * Safe to do at once: the agent restarts, its containers keep running, a failure changes nothing.
 */
export function UpgradeAgent({ id, name, to }: { id: string; name: string; to: string }) {
  const { run, pending, error } = useApiAction();
  return (
    <span className="mt-1 flex flex-wrap items-center gap-1.5" data-testid="agent-upgrade">
      {/* Versions carry a commit: the whole one on hover keeps the row narrow. */}
      <span className="text-xs text-amber-800 dark:text-amber-300" title={`The console serves v${to}`}>
        another version available
      </span>
      <Button
        size="sm"
        disabled={pending}
        aria-label={`Upgrade the agent of ${name} to ${to}`}
        title="The agent downloads the console's bundle, verifies it, restarts with it; containers keep running"
        onClick={() => void run(() => apiFetch(`/api/v1/hosts/${encodeURIComponent(id)}/upgrade`, { method: "POST" }))}
      >
        {pending ? "Upgrading…" : "Upgrade agent"}
      </Button>
      {error && (
        <span role="alert" className="block w-full max-w-64 whitespace-normal text-xs text-red-700 dark:text-red-400">
          {error}
        </span>
      )}
    </span>
  );
}

/**
 * Every outdated agent, one host at a time (the console waits for each to come back before the
 * next, and stops at the first failure); follows the operation until it ends and says how.
 */
export function UpgradeAllAgents({ count, to }: { count: number; to: string }) {
  const [op, setOp] = useState<TOperationView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = op?.status === "Running" || op?.status === "Pending";
  useOperationFollow(op, setOp, (message) => {
    setError(`progress not read: ${message}`);
    if (op) setOp({ ...op });
  });

  if (count === 0 && !op) return null;
  const { moved, total } = op?.progress ?? { moved: 0, total: count };
  const status = !op
    ? null
    : op.status === "Succeeded"
      ? `${moved} of ${total} agents upgraded to v${to}`
      : op.status === "Failed"
        ? `Stopped after ${moved} of ${total}: ${op.error ?? "unknown reason"}`
        : `Upgrading agents one host at a time: ${moved} of ${total} done…`;
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        disabledReason={running ? "An upgrade is under way" : count === 0 ? "Every agent runs the console's version" : undefined}
        title={`Each agent in turn downloads v${to}, verifies it and restarts; containers keep running`}
        onClick={() => {
          setError(null);
          apiFetch("/api/v1/hosts/upgrade", { method: "POST", schema: ZUpgradeStarted }).then(
            (r) => {
              const now = new Date().toISOString();
              setOp({ id: r.operationId, kind: "hosts.upgrade", status: "Running", error: null, progress: { total: r.hosts, moved: 0 }, createdAt: now, updatedAt: now });
            },
            (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
          );
        }}
      >
        Upgrade all agents ({count})
      </Button>
      {(status || error) && (
        <span role="status" data-testid="upgrade-all-status" className={`max-w-80 text-right text-xs ${op?.status === "Failed" || error ? "text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}`}>
          {error ?? status}
        </span>
      )}
    </span>
  );
}

"use client";

import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";

/**
 * An agent older (or other) than the bundle this console serves: one click replaces it in place.
 * Safe to do at once: the agent restarts, its containers keep running, a failure changes nothing.
 */
export function UpgradeAgent({ id, name, to, online }: { id: string; name: string; to: string; online: boolean }) {
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
        disabledReason={online ? undefined : "The agent is not connected"}
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

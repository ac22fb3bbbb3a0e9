"use client";

import { ZSetView } from "@/lib/protocol/apps";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";

const url = (id: string, action: string) => `/api/v1/sets/${encodeURIComponent(id)}/${action}`;

/**
 * Start, stop and restart one set (infra first on the way up, last on the way down). Stop and
 * restart interrupt the service, so they ask first; the volume and IP stay either way.
 */
export function SetActions({ setId, state, placed, canChange }: { setId: string; state: string; placed: boolean; canChange: boolean }) {
  const { run, pending, error } = useApiAction();
  const blocked = !canChange
    ? "Starting and stopping sets needs the MEMBER role in this team"
    : !placed
      ? "The set has no host yet; it starts when it is placed"
      : state === "Deleting"
        ? "The set is being deleted"
        : undefined;
  const running = state === "Running" || state === "Degraded" || state === "Creating";
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        size="sm"
        disabled={pending}
        disabledReason={blocked ?? (state === "Running" ? "The set is running" : undefined)}
        onClick={() => void run(() => apiFetch(url(setId, "start"), { method: "POST", schema: ZSetView }))}
      >
        {pending ? "Working…" : "Start"}
      </Button>
      <ConfirmButton
        label="Restart"
        variant="secondary"
        disabledReason={blocked}
        title="Restart this set?"
        body={<p>Every container stops (business containers first, infra last) and starts again in order. The IP and the volume stay.</p>}
        confirmLabel="Restart set"
        onConfirm={() => apiFetch(url(setId, "restart"), { method: "POST", schema: ZSetView })}
      />
      <ConfirmButton
        label="Stop"
        variant="danger"
        disabledReason={blocked ?? (running ? undefined : "The set is not running")}
        title="Stop this set?"
        body={<p>Its containers stop and stay stopped, also across host restarts, until you start the set again. The volume keeps its data.</p>}
        confirmLabel="Stop set"
        onConfirm={() => apiFetch(url(setId, "stop"), { method: "POST", schema: ZSetView })}
      />
      {error && (
        <p role="alert" className="w-full text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}

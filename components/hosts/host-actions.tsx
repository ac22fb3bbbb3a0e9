"use client";

import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import type { TOperationView } from "@/lib/protocol/api";
import { ConfirmButton } from "../ui/confirm-button";
import { DrainHost } from "./drain";

const hostUrl = (id: string, action?: string) => `/api/v1/hosts/${encodeURIComponent(id)}${action ? `/${action}` : ""}`;

/**
 * Cordon is harmless and reversible (no new sets land here; running ones stay), so it acts at
 * once. Drain moves every set away and revoke cuts the agent off for good, so they ask first.
 */
export function HostActions({
  id,
  name,
  cordoned,
  hasSets,
  drain,
}: {
  id: string;
  name: string;
  cordoned: boolean;
  hasSets: boolean;
  drain: TOperationView | null;
}) {
  const { run, pending, error } = useApiAction();
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button
        size="sm"
        disabled={pending}
        aria-label={`${cordoned ? "Uncordon" : "Cordon"} ${name}`}
        title={cordoned ? "Let the scheduler place new sets here again" : "Stop placing new sets here; running sets stay"}
        onClick={() => void run(() => apiFetch(hostUrl(id, cordoned ? "uncordon" : "cordon"), { method: "POST" }))}
      >
        {pending ? "Saving…" : cordoned ? "Uncordon" : "Cordon"}
      </Button>
      <DrainHost id={id} name={name} hasSets={hasSets} drain={drain} />
      <ConfirmButton
        label="Revoke"
        ariaLabel={`Revoke ${name}`}
        title={`Revoke host ${name}?`}
        body={
          <>
            <p>The agent&apos;s credential stops working at once and the host leaves this list. To bring the machine back, enroll it again with a new token.</p>
            {hasSets && (
              <p className="mt-2 font-medium">
                Sets run here. The reconciler places them on other hosts with new, empty volumes: data on this host&apos;s volumes does not
                move.
              </p>
            )}
          </>
        }
        confirmLabel="Revoke host"
        onConfirm={() => apiFetch(hostUrl(id), { method: "DELETE" })}
      />
      {error && (
        <p role="alert" className="w-full text-right text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}

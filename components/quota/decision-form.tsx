"use client";

import { useId, useState } from "react";
import { ZQuotaRequest } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { controlClass } from "../ui/field";

/**
 * Approve or reject one request with a note for the requester. Approval applies the limits at
 * once; a request someone else decided meanwhile answers 409, said here in words, and the list
 * re-reads so it drops out.
 */
export function DecisionForm({ id, team }: { id: string; team: string }) {
  const { run, pending, error } = useApiAction();
  const [note, setNote] = useState("");
  const noteId = useId();
  const decide = (what: "approve" | "reject") =>
    void run(() => apiFetch(`/api/v1/quota-requests/${encodeURIComponent(id)}/${what}`, { method: "POST", body: { note: note.trim() }, schema: ZQuotaRequest }));
  return (
    <div className="space-y-2">
      <div>
        <label htmlFor={noteId} className="mb-1 block text-xs font-medium">
          Note to the requester
        </label>
        <textarea
          id={noteId}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          rows={2}
          maxLength={2000}
          placeholder="Optional; says why, especially when rejecting"
          className={controlClass("w-full py-1.5 text-sm")}
        />
      </div>
      <div className="flex flex-wrap gap-2">
        <Button variant="primary" size="sm" disabled={pending} onClick={() => decide("approve")} aria-label={`Approve the request of ${team}`}>
          Approve
        </Button>
        <Button variant="danger" size="sm" disabled={pending} onClick={() => decide("reject")} aria-label={`Reject the request of ${team}`}>
          Reject
        </Button>
        {pending && (
          <span role="status" className="self-center text-xs text-zinc-600 dark:text-zinc-400">
            Saving…
          </span>
        )}
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}

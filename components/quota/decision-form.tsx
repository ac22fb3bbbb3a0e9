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
export function DecisionForm({ id, team, own = false }: { id: string; team: string; own?: boolean }) {
  const { run, pending, error } = useApiAction();
  const [note, setNote] = useState("");
  // An admin approving their own request is allowed, but not by a single click: they confirm it, knowing the audit log names them twice.
  const [confirmOwn, setConfirmOwn] = useState(false);
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
        <Button
          variant="primary"
          size="sm"
          disabled={pending}
          onClick={() => (own && !confirmOwn ? setConfirmOwn(true) : decide("approve"))}
          aria-label={confirmOwn ? `Approve my own request for ${team}` : `Approve the request of ${team}`}
        >
          {confirmOwn ? "Approve my own request" : "Approve"}
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
      {own && confirmOwn && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-2.5 py-1.5 text-xs text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200" data-testid="own-request-notice">
          You filed this request yourself. Approving it raises your own team&apos;s limits; the audit log shows you as both requester and approver. Click
          again to approve, or leave it for another admin.{" "}
          <button type="button" className="font-medium underline" onClick={() => setConfirmOwn(false)}>
            Cancel
          </button>
        </p>
      )}
      {own && !confirmOwn && <p className="text-xs text-amber-800 dark:text-amber-300">You filed this request: approving asks you to confirm.</p>}
      {error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}

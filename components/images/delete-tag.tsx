"use client";

import { ZImageTagDeleted } from "@/lib/protocol/images";
import { apiFetch } from "../api-fetch";
import { ConfirmButton } from "../ui/confirm-button";
import { shortDigest } from "./digest";

/**
 * Deletes one tag after asking. The registry deletes the manifest the tag points at, so the
 * dialog names every other tag on that digest; a refusal (a set still runs it) stays in the dialog.
 */
export function DeleteTag({
  team,
  repository,
  name,
  tag,
  digest,
  alsoRemoved,
  disabledReason,
}: {
  team: string;
  /** `team/web`, as people read it. */
  repository: string;
  /** `web`, as the API's path takes it. */
  name: string;
  tag: string;
  digest: string;
  alsoRemoved: string[];
  disabledReason?: string;
}) {
  const path = `/api/v1/teams/${encodeURIComponent(team)}/images/${encodeURIComponent(name)}/tags/${encodeURIComponent(tag)}`;
  return (
    // overflow-wrap is inherited, also into the dialog: the server's refusal names a whole digest, which must wrap inside it.
    <span className="wrap-anywhere">
      <ConfirmButton
        label="Delete"
        ariaLabel={`Delete tag ${tag}`}
        title={`Delete ${repository}:${tag}?`}
        confirmLabel={alsoRemoved.length > 0 ? `Delete ${alsoRemoved.length + 1} tags` : "Delete tag"}
        disabledReason={disabledReason}
        onConfirm={() => apiFetch(path, { method: "DELETE", schema: ZImageTagDeleted })}
        body={
          <div className="space-y-2">
            <p>
              Removes from the registry the image <code className="font-mono text-xs">{shortDigest(digest)}</code> that{" "}
              <code className="font-mono">{tag}</code> points at. New sets can no longer use it; only pushing it again brings it back.
            </p>
            {alsoRemoved.length > 0 ? (
              <p data-testid="also-removed" className="rounded-md border border-amber-300 bg-amber-50 px-2 py-1.5 text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100">
                The registry deletes images, not tag names: {alsoRemoved.length === 1 ? "tag" : "tags"}{" "}
                {alsoRemoved.map((t, i) => (
                  <span key={t}>
                    {i > 0 && ", "}
                    <code className="font-mono font-medium">{t}</code>
                  </span>
                ))}{" "}
                {alsoRemoved.length === 1 ? "points" : "point"} at the same image and {alsoRemoved.length === 1 ? "goes" : "go"} too.
              </p>
            ) : (
              <p>No other tag points at this image.</p>
            )}
            <p className="text-xs text-zinc-600 dark:text-zinc-400">Refused while a set of an app runs this image: scale it in or move it to another image first.</p>
          </div>
        }
      />
    </span>
  );
}

"use client";

import type { TAccountLinkCreated } from "@/lib/protocol/api";
import { CopyButton } from "../ui/copy-button";
import { RelativeTime } from "../ui/relative-time";

/** A link that exists only in this answer: Berth keeps its hash, so it is copied now or never. */
export function OneUseLink({ link, what }: { link: TAccountLinkCreated; what: string }) {
  return (
    <div role="status" className="space-y-2 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950">
      <p className="text-emerald-900 dark:text-emerald-200">
        {what} It works once, and expires <RelativeTime iso={link.expiresAt} />. It will not be shown again.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="one-use-link" className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900">
          {link.url}
        </code>
        <CopyButton value={link.url} label="Copy link" />
      </div>
    </div>
  );
}

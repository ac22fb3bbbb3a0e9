"use client";

import { ZAppView, type TAppView, type TCanary } from "@/lib/protocol/apps";
import { apiFetch } from "../api-fetch";
import { ConfirmButton } from "../ui/confirm-button";
import { RelativeTime } from "../ui/relative-time";

/** While a canary runs, the page says so at the top, with the two ways out of it. */
export function CanaryBanner({
  app,
  canary,
  disabledReason,
  onChanged,
}: {
  app: TAppView;
  canary: TCanary;
  disabledReason?: string;
  onChanged: (next: TAppView, what: "promote" | "rollback") => void;
}) {
  const base = `/api/v1/teams/${encodeURIComponent(app.team)}/apps/${encodeURIComponent(app.name)}/canary`;
  const total = app.sets.filter((s) => s.state !== "Deleting").length;
  const rest = Math.max(0, total - canary.setIds.length);
  const act = (what: "promote" | "rollback") => async () => {
    const next = await apiFetch(`${base}/${what}`, { method: "POST", schema: ZAppView });
    onChanged(next, what);
  };
  return (
    <section
      aria-label="Canary"
      data-testid="canary-banner"
      className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <div className="min-w-0 space-y-0.5">
        <p className="font-semibold">Canary running</p>
        <p>
          Container <code className="font-mono">{canary.container}</code> runs <code className="break-all font-mono font-semibold">{canary.image}</code> in{" "}
          {canary.setIds.length} of {total} sets; the other {rest} still run <code className="break-all font-mono">{canary.previousImage}</code>.
        </p>
        <p className="text-xs">
          Started <RelativeTime iso={canary.startedAt} />. A canary container that keeps exiting is rolled back by itself.
        </p>
      </div>
      <div className="flex shrink-0 gap-2">
        <ConfirmButton
          label="Promote"
          title={`Promote ${canary.image} to every set?`}
          body={
            <p>
              The other {rest} {rest === 1 ? "set gets" : "sets get"} <code className="font-mono">{canary.image}</code> for {canary.container}, one
              set at a time, each waited for until it runs. The app&apos;s template keeps the new image.
            </p>
          }
          confirmLabel="Promote to all sets"
          variant="secondary"
          size="md"
          disabledReason={disabledReason}
          onConfirm={act("promote")}
        />
        <ConfirmButton
          label="Roll back"
          title={`Roll back to ${canary.previousImage}?`}
          body={
            <p>
              The {canary.setIds.length} canary {canary.setIds.length === 1 ? "set gets" : "sets get"} <code className="font-mono">{canary.previousImage}</code>{" "}
              back for {canary.container}. Their IP, volume and other containers stay.
            </p>
          }
          confirmLabel="Roll back"
          size="md"
          disabledReason={disabledReason}
          onConfirm={act("rollback")}
        />
      </div>
    </section>
  );
}

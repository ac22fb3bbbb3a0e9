"use client";

import Link from "next/link";
import { useState } from "react";
import { ZAppView, type TAppView } from "@/lib/protocol/apps";
import { ApiError, apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { controlClass } from "../ui/field";

const SCALE_IN_BODY = (n: number) => (
  <p>
    The newest {n === 1 ? "set is" : `${n} sets are`} removed: {n === 1 ? "its" : "their"} containers stop and{" "}
    {n === 1 ? "its volume goes" : "their volumes go"} to the host&apos;s recycle bin (kept 7 days unless the console sets BERTH_TRASH_DAYS).
    The console has no recycle-bin page yet; a volume can be restored into another set of this app on the same host through the API.
  </p>
);

/**
 * Replicas as a number with −1 / +1 beside it. Growing is one click (quota is checked by the
 * server); shrinking removes the newest sets with their volumes, so it asks first.
 */
export function ScaleControl({
  app,
  disabledReason,
  onScaled,
}: {
  app: TAppView;
  disabledReason?: string;
  onScaled: (next: TAppView, target: number) => void;
}) {
  const { run, pending, error, failure } = useApiAction({ refresh: false });
  const [typed, setTyped] = useState(String(app.replicas));
  const [seen, setSeen] = useState(app.replicas);
  if (seen !== app.replicas) {
    // Someone (this page, another tab, a script) scaled: the box follows unless the user is mid-edit.
    setSeen(app.replicas);
    setTyped(String(app.replicas));
  }
  const url = `/api/v1/teams/${encodeURIComponent(app.team)}/apps/${encodeURIComponent(app.name)}`;
  const patch = (replicas: number) =>
    apiFetch(url, { method: "PATCH", body: { replicas }, schema: ZAppView }).then((next) => {
      onScaled(next, replicas);
      return next;
    });
  // Plain buttons report through the line below; confirm dialogs show the server's reason themselves.
  const click = (replicas: number) => void run(() => patch(replicas));
  const wanted = Number(typed);
  const valid = typed.trim() !== "" && Number.isInteger(wanted) && wanted >= 0 && wanted <= 100;
  const changed = valid && wanted !== app.replicas;
  const blocked = disabledReason ?? (pending ? "Scaling…" : undefined);

  return (
    <div>
      <div role="group" aria-label="Scale" className="flex flex-wrap items-center gap-1.5">
        <span className="mr-1 text-sm font-medium">Replicas</span>
        {app.replicas > 0 ? (
          <ConfirmButton
            label="−1"
            ariaLabel="−1: scale in by one set"
            title={`Scale ${app.name} to ${app.replicas - 1}?`}
            body={SCALE_IN_BODY(1)}
            confirmLabel="Remove newest set"
            variant="secondary"
            size="md"
            disabledReason={blocked}
            onConfirm={() => patch(app.replicas - 1)}
          />
        ) : (
          <Button disabledReason="Already at 0 replicas">
            −1
          </Button>
        )}
        <input
          type="number"
          aria-label="Replicas"
          min={0}
          max={100}
          step={1}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          readOnly={Boolean(disabledReason)}
          className={controlClass("h-9 w-16 text-center text-sm tabular-nums")}
        />
        <Button aria-label="+1: scale out by one set" disabledReason={blocked} onClick={() => click(app.replicas + 1)}>
          +1
        </Button>
        {changed &&
          (wanted < app.replicas ? (
            <ConfirmButton
              label={`Scale to ${wanted}`}
              title={`Scale ${app.name} to ${wanted}?`}
              body={SCALE_IN_BODY(app.replicas - wanted)}
              confirmLabel={`Remove ${app.replicas - wanted} sets`}
              variant="secondary"
              size="md"
              disabledReason={blocked}
              onConfirm={() => patch(wanted)}
            />
          ) : (
            <Button variant="primary" disabledReason={blocked} onClick={() => click(wanted)}>
              Scale to {wanted}
            </Button>
          ))}
        {pending && (
          <span role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
            Scaling…
          </span>
        )}
      </div>
      {error && (
        <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-300">
          {error}
          {failure instanceof ApiError && failure.code === "QUOTA_EXCEEDED" && (
            <Link href="/quota#request" className="ml-1.5 font-medium underline">
              Request more quota →
            </Link>
          )}
        </p>
      )}
    </div>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { ZSetView } from "@/lib/protocol/apps";
import { beginAction, describeAction, finishAction, observe, type TSetAction } from "@/lib/ui/action-progress";
import { apiFetch } from "../api-fetch";
import { useSetEvents } from "../realtime/use-set-events";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { ProgressBanner } from "../ui/progress-banner";
import { actionProgressOf, setActionProgress, useActionProgress } from "./set-action-store";

const url = (id: string, action: string) => `/api/v1/sets/${encodeURIComponent(id)}/${action}`;

/**
 * Start, stop and restart one set (infra first on the way up, last on the way down). Stop and
 * restart interrupt the service, so they ask first; the volume and IP stay either way. While one
 * runs, its steps show live ("Restarting… stopping container 1 of 2 (web)"), from the container
 * states the console pushes (SetActionStatus shows them), and it ends in the outcome or the reason it failed.
 */
export function SetActions({
  setId,
  state,
  placed,
  canChange,
  containers,
}: {
  setId: string;
  state: string;
  placed: boolean;
  canChange: boolean;
  containers: Array<{ name: string; state: string }>;
}) {
  const router = useRouter();
  const progress = useActionProgress(setId);
  const working = progress?.phase === "working";
  useSetEvents((e) => {
    const p = actionProgressOf(setId);
    if (e.setId !== setId || !p) return;
    setActionProgress(setId, observe(p, e.containers));
  });

  // Answers at once, so the confirmation closes and the steps show on the page.
  const start = async (action: TSetAction) => {
    setActionProgress(setId, beginAction(action, containers));
    void apiFetch(url(setId, action), { method: "POST", schema: ZSetView }).then(
      (view) => {
        const p = actionProgressOf(setId);
        if (p) setActionProgress(setId, finishAction(p, { ok: true, running: view.containers.filter((c) => c.state === "Running").length }));
        router.refresh();
      },
      (err: unknown) => {
        const p = actionProgressOf(setId);
        if (p) setActionProgress(setId, finishAction(p, { ok: false, reason: err instanceof Error ? err.message : String(err) }));
        router.refresh();
      },
    );
  };

  const blocked = !canChange
    ? "Starting and stopping sets needs the MEMBER role in this team"
    : !placed
      ? "The set has no host yet; it starts when it is placed"
      : state === "Deleting"
        ? "The set is being deleted"
        : working
          ? "Wait for the current action to finish"
          : undefined;
  const running = state === "Running" || state === "Degraded" || state === "Creating";
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <Button size="sm" disabledReason={blocked ?? (state === "Running" ? "The set is running" : undefined)} onClick={() => void start("start")}>
        {progress?.action === "start" && working ? "Starting…" : "Start"}
      </Button>
      <ConfirmButton
        label={progress?.action === "restart" && working ? "Restarting…" : "Restart"}
        variant="secondary"
        disabledReason={blocked}
        title="Restart this set?"
        body={<p>Every container stops (business containers first, infra last) and starts again in order. The IP and the volume stay.</p>}
        confirmLabel="Restart set"
        onConfirm={() => start("restart")}
      />
      <ConfirmButton
        label={progress?.action === "stop" && working ? "Stopping…" : "Stop"}
        variant="danger"
        disabledReason={blocked ?? (running ? undefined : "The set is not running")}
        title="Stop this set?"
        body={<p>Its containers stop and stay stopped, also across host restarts, until you start the set again. The volume keeps its data.</p>}
        confirmLabel="Stop set"
        onConfirm={() => start("stop")}
      />
    </div>
  );
}

/** The steps of the set's running action, then its outcome (placed under the set's title row). */
export function SetActionStatus({ setId }: { setId: string }) {
  const progress = useActionProgress(setId);
  if (!progress) return null;
  const shown = describeAction(progress);
  return <ProgressBanner testId="set-action-progress" phase={progress.phase} title={shown.title} text={shown.text} onDismiss={() => setActionProgress(setId, null)} />;
}

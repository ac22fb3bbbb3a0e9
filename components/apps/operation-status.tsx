import type { TAppView } from "@/lib/protocol/apps";
import { Button } from "../ui/button";
import { cx } from "../ui/cx";

/** A change the user just made, followed on the live app until its sets settle. */
export interface TOperation {
  /** "Scaling to 3", "Resizing to 1 core · 512 MiB · 2 GiB disk", … */
  label: string;
  /** What to say once every set runs. */
  doneLabel: string;
}

type TProgress = { phase: "working" | "done" | "failed"; text: string };

/** Where the app's sets stand against what the app asks for: the count, and every one Running. */
export function progressOf(app: TAppView): TProgress {
  const active = app.sets.filter((s) => s.state !== "Deleting");
  const removing = app.sets.length - active.length;
  const running = active.filter((s) => s.state === "Running").length;
  const failed = active.filter((s) => s.state === "Failed");
  if (failed.length) {
    const first = failed[0];
    return { phase: "failed", text: `${failed.length} of ${app.replicas} sets Failed${first.reason ? ` — ${first.reason}` : ""}` };
  }
  const parts = [`${running} of ${app.replicas} sets Running`];
  // Per-set detail while a set is on its way: the agent reports "1 of 2 containers running".
  const starting = active.find((s) => s.state !== "Running" && s.reason);
  if (starting && starting.state !== "Degraded") parts.push(`${starting.state.toLowerCase()}: ${starting.reason}`);
  const degraded = active.find((s) => s.state === "Degraded");
  if (degraded) parts.push(`Degraded: ${degraded.reason ?? "a container is not running"}`);
  if (removing) parts.push(`${removing} being removed`);
  const done = running === app.replicas && active.length === app.replicas && removing === 0;
  return { phase: done ? "done" : "working", text: parts.join(" · ") };
}

/** The progress line of the last action on this page: working, then a clear success or failure. */
export function OperationStatus({ app, op, onDismiss }: { app: TAppView; op: TOperation; onDismiss: () => void }) {
  const p = progressOf(app);
  const tone =
    p.phase === "done"
      ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-200"
      : p.phase === "failed"
        ? "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-200"
        : "border-blue-300 bg-blue-50 text-blue-950 dark:border-blue-800 dark:bg-blue-950/50 dark:text-blue-100";
  return (
    <div role="status" data-testid="operation-status" data-phase={p.phase} className={cx("flex flex-wrap items-center justify-between gap-2 rounded-md border px-3 py-2 text-sm", tone)}>
      <p>
        <span className="font-medium">{p.phase === "done" ? op.doneLabel : p.phase === "failed" ? `${op.label} did not finish` : `${op.label}…`}</span>
        <span className="ml-2">{p.text}</span>
      </p>
      {p.phase !== "working" && (
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          Dismiss
        </Button>
      )}
    </div>
  );
}

import type { TAppView } from "@/lib/protocol/apps";
import { ProgressBanner } from "../ui/progress-banner";

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
  const title = p.phase === "done" ? op.doneLabel : p.phase === "failed" ? `${op.label} did not finish` : `${op.label}…`;
  return <ProgressBanner phase={p.phase} title={title} text={p.text} onDismiss={onDismiss} />;
}

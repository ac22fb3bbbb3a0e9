import { Button } from "./button";
import { cx } from "./cx";

export type TProgressPhase = "working" | "done" | "failed";

/**
 * The one progress line of a change under way (scale, resize, canary, a set's restart): working,
 * then a clear success or a failure with its reason, which stays until dismissed.
 */
export function ProgressBanner({ phase, title, text, onDismiss, testId = "operation-status" }: { phase: TProgressPhase; title: string; text: string; onDismiss?: () => void; testId?: string }) {
  const tone =
    phase === "done"
      ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-200"
      : phase === "failed"
        ? "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-200"
        : "border-blue-300 bg-blue-50 text-blue-950 dark:border-blue-800 dark:bg-blue-950/50 dark:text-blue-100";
  return (
    <div role="status" data-testid={testId} data-phase={phase} className={cx("flex flex-wrap items-center justify-between gap-2 rounded-md border px-3 py-2 text-sm", tone)}>
      <p>
        {phase === "working" && <span aria-hidden className="mr-2 inline-block size-3 animate-spin rounded-full border-2 border-current border-r-transparent align-[-2px]" />}
        <span className="font-medium">{title}</span>
        {text && <span className="ml-2">{text}</span>}
      </p>
      {phase !== "working" && onDismiss && (
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          Dismiss
        </Button>
      )}
    </div>
  );
}

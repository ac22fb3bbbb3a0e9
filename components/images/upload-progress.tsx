import { formatBytes } from "@/lib/ui/format";
import type { TImageUploaded } from "./upload-request";

export type TUploadPhase =
  | { kind: "idle" }
  | { kind: "uploading"; loaded: number; total: number }
  /** Every byte is at the console; it is writing the layers into the registry. */
  | { kind: "storing" }
  | { kind: "done"; uploaded: TImageUploaded }
  | { kind: "failed"; message: string };

/** Bytes sent as a bar and as words, then an indeterminate "storing" until the console answers. */
export function UploadProgress({ phase }: { phase: TUploadPhase }) {
  if (phase.kind !== "uploading" && phase.kind !== "storing") return null;
  const pct = phase.kind === "uploading" && phase.total > 0 ? Math.floor((phase.loaded / phase.total) * 100) : 100;
  const text =
    phase.kind === "uploading"
      ? `${formatBytes(phase.loaded)} of ${formatBytes(phase.total)} sent (${pct} %)`
      : "Sent; the console is storing the layers in the registry…";
  return (
    <div data-testid="upload-progress" data-phase={phase.kind} className="space-y-1">
      <div
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        // No value while storing: the bar is indeterminate then, and says so in words.
        aria-valuenow={phase.kind === "uploading" ? pct : undefined}
        aria-valuetext={text}
        className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={
            phase.kind === "uploading" ? "h-full rounded-full bg-blue-600 transition-[width] dark:bg-blue-500" : "h-full w-full animate-pulse rounded-full bg-blue-600 dark:bg-blue-500"
          }
          style={phase.kind === "uploading" ? { width: `${pct}%` } : undefined}
        />
      </div>
      <p className="text-xs tabular-nums text-zinc-600 dark:text-zinc-400">{text}</p>
      {/* Announces the phase, not every progress event: the bar carries the numbers. */}
      <p aria-live="polite" className="sr-only">
        {phase.kind === "uploading" ? "Uploading" : "Storing in the registry"}
      </p>
    </div>
  );
}

/**
 * A set's or container's state as a word with a colour (never colour alone). Same tones as the
 * console's shared Badge; kept here so the set page stands on its own until the branches meet.
 */
type TTone = "success" | "warning" | "danger" | "info" | "neutral";

const TONES: Record<TTone, string> = {
  success: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30",
  warning: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30",
  danger: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/30",
  info: "bg-blue-50 text-blue-800 ring-blue-600/30 dark:bg-blue-500/10 dark:text-blue-300 dark:ring-blue-400/30",
  neutral: "bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-500/40",
};
const DOTS: Record<TTone, string> = {
  success: "bg-emerald-500",
  warning: "bg-amber-500",
  danger: "bg-red-500",
  info: "bg-blue-500",
  neutral: "bg-zinc-400",
};
const STATE_TONES: Record<string, TTone> = {
  Running: "success",
  Degraded: "warning",
  Failed: "danger",
  Dead: "danger",
  Exited: "neutral",
  Pending: "info",
  Creating: "info",
  Created: "info",
  Stopped: "neutral",
  Deleting: "neutral",
  Unknown: "neutral",
};

export function SetStateBadge({ state }: { state: string }) {
  const tone = STATE_TONES[state] ?? "neutral";
  return (
    <span className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>
      <span aria-hidden className={`size-1.5 rounded-full ${DOTS[tone]}`} />
      {state}
    </span>
  );
}

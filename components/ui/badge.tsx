import type { ReactNode } from "react";
import { cx } from "./cx";

export type TTone = "success" | "warning" | "danger" | "info" | "neutral";

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

/** A state always reads as a word; the color and dot only reinforce it. */
export function Badge({ tone = "neutral", children, dot = true }: { tone?: TTone; children: ReactNode; dot?: boolean }) {
  return (
    <span
      className={cx(
        "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        TONES[tone],
      )}
    >
      {dot && <span aria-hidden className={cx("size-1.5 rounded-full", DOTS[tone])} />}
      {children}
    </span>
  );
}

/** Every state word the console shows, with its one color. */
const STATE_TONES: Record<string, TTone> = {
  Active: "success",
  Ready: "success",
  Running: "success",
  Enabled: "success",
  Approved: "success",
  Pending: "info",
  Creating: "info",
  Created: "info",
  Expired: "warning",
  Cordoned: "warning",
  Degraded: "warning",
  Unknown: "warning",
  Revoked: "neutral",
  Stopped: "neutral",
  Deleting: "neutral",
  Disabled: "danger",
  Failed: "danger",
  Unreachable: "danger",
  NotReady: "danger",
  // Container states: a business container that exited or died is why its set is Degraded.
  Exited: "danger",
  Dead: "danger",
  Rejected: "danger",
};

export function stateTone(state: string): TTone {
  return STATE_TONES[state] ?? "neutral";
}

export function StateBadge({ state }: { state: string }) {
  return <Badge tone={stateTone(state)}>{state}</Badge>;
}

/** A container of a set someone stopped has exited on purpose: say Stopped, not a red Exited. */
export function ContainerStateBadge({ state, setState }: { state: string; setState: string }) {
  return <StateBadge state={setState === "Stopped" && state === "Exited" ? "Stopped" : state} />;
}

const ROLE_TONES: Record<string, TTone> = { OWNER: "info", MEMBER: "neutral", VIEWER: "neutral", ADMIN: "warning" };

export function RoleBadge({ role }: { role: string }) {
  return (
    <Badge tone={ROLE_TONES[role] ?? "neutral"} dot={false}>
      {role}
    </Badge>
  );
}

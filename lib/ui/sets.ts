import { formatMiB, formatNumber } from "./format";

/** Set-state summaries shared by the apps list and the app page (server and client). */

/** Worst first, so the summary leads with what needs attention. */
export const SET_STATE_ORDER = ["Failed", "Degraded", "Pending", "Creating", "Deleting", "Stopped", "Running"] as const;

export interface TStateCount {
  state: string;
  count: number;
}

export function countStates(states: readonly string[]): TStateCount[] {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  const rank = (s: string) => {
    const i = (SET_STATE_ORDER as readonly string[]).indexOf(s);
    return i === -1 ? SET_STATE_ORDER.length : i;
  };
  return [...counts].map(([state, count]) => ({ state, count })).sort((a, b) => rank(a.state) - rank(b.state));
}

/** "2 Running · 1 Degraded" as plain text, for sorting, filtering and titles. */
export function summaryText(states: readonly string[]): string {
  const counts = countStates(states);
  return counts.length ? counts.map((c) => `${c.count} ${c.state}`).join(" · ") : "No sets";
}

/** States a set passes through on its way somewhere; while any set is in one, the page polls faster. */
export const TRANSIENT_STATES = new Set(["Pending", "Creating", "Deleting"]);

/** "0.5 cores · 256 MiB · 1 GiB disk": one set's size. */
export function sizeText(size: { cpu: number; memoryMiB: number; diskGiB: number }): string {
  const disk = size.diskGiB > 0 ? `${formatNumber(size.diskGiB)} GiB disk` : "no volume";
  return `${formatNumber(size.cpu, 3)} ${size.cpu === 1 ? "core" : "cores"} · ${formatMiB(size.memoryMiB)} · ${disk}`;
}

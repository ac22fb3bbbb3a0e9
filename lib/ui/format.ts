/** Display formatting shared by server and client components; no server imports here. */

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export function formatNumber(n: number, maxFractionDigits = 2): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: maxFractionDigits });
}

export function formatCores(cores: number): string {
  return `${formatNumber(cores, 3)} ${cores === 1 ? "core" : "cores"}`;
}

export function formatMiB(mib: number): string {
  return mib >= 1024 ? `${formatNumber(mib / 1024, 1)} GiB` : `${formatNumber(mib)} MiB`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${formatNumber(bytes / GIB, 1)} GiB`;
  if (bytes >= MIB) return `${formatNumber(bytes / MIB, 1)} MiB`;
  if (bytes >= 1024) return `${formatNumber(bytes / 1024, 1)} KiB`;
  return `${formatNumber(bytes)} B`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 minutes ago", "in 30 days", "just now". */
export function relativeTime(iso: string, now: number): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  // Browser and server clocks drift by seconds; near "now" either way reads as now.
  if (abs < 45_000) return "just now";
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, ms] of UNITS) {
    if (abs >= ms) return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(Math.round(diff / 60_000), "minute");
}

export function exactTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

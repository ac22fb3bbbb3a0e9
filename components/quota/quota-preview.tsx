import Link from "next/link";
import type { TQuota, TQuotaLimits } from "@/lib/protocol/api";
import { formatMiB, formatNumber } from "@/lib/ui/format";
import { cx } from "../ui/cx";

interface TDimension {
  key: keyof TQuotaLimits;
  label: string;
  /** The number alone ("1.5"), so "1.5 of 4 cores" names the unit once. */
  num: (n: number) => string;
  unit: string;
}

const DIMENSIONS: TDimension[] = [
  { key: "cpu", label: "CPU", num: (n) => formatNumber(n, 3), unit: "cores" },
  // MiB become GiB past 1024, so memory carries its unit in the number.
  { key: "memoryMiB", label: "Memory", num: formatMiB, unit: "" },
  { key: "diskGiB", label: "Disk", num: formatNumber, unit: "GiB" },
  { key: "sets", label: "Sets", num: formatNumber, unit: "sets" },
];

const withUnit = (d: TDimension, n: number) => (d.unit ? `${d.num(n)} ${d.unit}` : d.num(n));

// Floating-point sums of fractional cores must not read as "over" by 0.0000001.
const EPSILON = 1e-9;

export function overQuota(quota: TQuota, change: TQuotaLimits): string[] {
  return DIMENSIONS.filter((d) => change[d.key] > 0 && quota.used[d.key] + change[d.key] > quota.limits[d.key] + EPSILON).map((d) => d.label);
}

/**
 * What a change would do to the team's quota, before it is made: per dimension the usage after
 * it against the limit, the part this change adds drawn on top of what is already used. Over the
 * limit reads red, in words too, with the way out (a quota request).
 */
export function QuotaPreview({ quota, change, title }: { quota: TQuota; change: TQuotaLimits; title: string }) {
  const over = overQuota(quota, change);
  return (
    <section aria-label={title} className="space-y-3" data-testid="quota-preview">
      <h3 className="text-sm font-semibold">{title}</h3>
      <ul className="space-y-2.5">
        {DIMENSIONS.map((d) => {
          const used = quota.used[d.key];
          const limit = quota.limits[d.key];
          const add = change[d.key];
          const after = Math.max(0, used + add);
          const isOver = add > 0 && after > limit + EPSILON;
          const scale = Math.max(limit, after, EPSILON);
          const basePct = (Math.min(used, after) / scale) * 100;
          const addPct = (Math.max(0, add) / scale) * 100;
          const delta = add === 0 ? "no change" : `${add > 0 ? "+" : "−"}${withUnit(d, Math.abs(add))}`;
          const text = `${d.num(after)} of ${withUnit(d, limit)}`;
          return (
            <li key={d.key}>
              <div className="mb-1 flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
                <span className="font-medium">{d.label}</span>
                <span className={cx("tabular-nums", isOver ? "font-medium text-red-700 dark:text-red-300" : "text-zinc-700 dark:text-zinc-300")}>
                  {text}
                  <span className="ml-1.5 text-xs text-zinc-600 dark:text-zinc-400">({delta})</span>
                  {isOver && <span className="ml-1.5">over by {withUnit(d, after - limit)}</span>}
                </span>
              </div>
              <div
                role="meter"
                aria-label={`${d.label} after this change`}
                aria-valuemin={0}
                aria-valuemax={limit}
                aria-valuenow={after}
                aria-valuetext={`${text}${isOver ? ", over the limit" : ""}`}
                className="flex h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
              >
                <div className={cx("h-full", isOver ? "bg-red-400 dark:bg-red-800" : "bg-zinc-400 dark:bg-zinc-500")} style={{ width: `${basePct}%` }} />
                <div className={cx("h-full", isOver ? "bg-red-600" : "bg-blue-600 dark:bg-blue-500")} style={{ width: `${addPct}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
      {over.length > 0 ? (
        <p role="alert" className="text-sm text-red-800 dark:text-red-200">
          Over the team&apos;s quota on {over.join(", ").toLowerCase()}: the console will refuse this.{" "}
          <Link href="/quota#request" className="font-medium text-blue-700 underline dark:text-blue-400">
            Request more quota →
          </Link>
        </p>
      ) : (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Gray: already used by the team. Blue: what this change adds.</p>
      )}
    </section>
  );
}

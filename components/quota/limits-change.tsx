import type { TQuotaLimits } from "@/lib/protocol/api";
import { formatMiB, formatNumber } from "@/lib/ui/format";
import { cx } from "../ui/cx";

const ROWS: { key: keyof TQuotaLimits; label: string; show: (n: number) => string }[] = [
  { key: "cpu", label: "CPU", show: (n) => `${formatNumber(n, 3)} cores` },
  { key: "memoryMiB", label: "Memory", show: formatMiB },
  { key: "diskGiB", label: "Disk", show: (n) => `${formatNumber(n)} GiB` },
  { key: "sets", label: "Sets", show: (n) => formatNumber(n) },
];

export function quotaStatusWord(status: "PENDING" | "APPROVED" | "REJECTED"): string {
  return status === "PENDING" ? "Pending" : status === "APPROVED" ? "Approved" : "Rejected";
}

/**
 * Limits asked for, against the limits now when given ("8 → 16 cores"); a dimension that does not
 * change is dimmed so the eye lands on what does.
 */
export function LimitsChange({ current, requested }: { current: TQuotaLimits | null; requested: TQuotaLimits }) {
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-sm">
      {ROWS.map((r) => {
        const from = current?.[r.key];
        const same = from !== undefined && from === requested[r.key];
        const up = from !== undefined && requested[r.key] > from;
        return (
          <div key={r.key} className={cx("contents", same && "text-zinc-500 dark:text-zinc-400")}>
            <dt className="font-medium">{r.label}</dt>
            <dd className="tabular-nums">
              {from !== undefined && !same && (
                <>
                  {r.show(from)} <span aria-hidden>→</span>
                  <span className="sr-only">to</span>{" "}
                </>
              )}
              <span className={cx(from !== undefined && !same && "font-semibold", up && "text-blue-800 dark:text-blue-300")}>{r.show(requested[r.key])}</span>
              {same && <span className="ml-1 text-xs">(unchanged)</span>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

import { cx } from "./cx";

/**
 * Used against a limit, as numbers first ("2 of 16 cores") and a bar second. Past 80 % the bar
 * turns amber, at or past the limit red, and the text says so too.
 */
export function UsageBar({
  label,
  used,
  limit,
  format,
  unit,
  showLabel = true,
}: {
  label: string;
  used: number;
  limit: number;
  format?: (n: number) => string;
  unit?: string;
  /** Off inside a table whose column header already names the resource. */
  showLabel?: boolean;
}) {
  const show = format ?? ((n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 3 }));
  const ratio = limit > 0 ? used / limit : used > 0 ? 1 : 0;
  const pct = Math.min(100, Math.round(ratio * 100));
  const level = ratio >= 1 && used > 0 ? "full" : ratio >= 0.8 ? "high" : "ok";
  const text = `${show(used)} of ${show(limit)}${unit ? ` ${unit}` : ""}`;
  return (
    <div>
      <div className={cx("mb-1 flex items-baseline gap-3 text-sm", showLabel ? "justify-between" : "justify-end")}>
        {showLabel && <span className="font-medium">{label}</span>}
        <span className="tabular-nums text-zinc-700 dark:text-zinc-300">
          {text}
          {level === "full" && <span className="ml-1.5 font-medium text-red-700 dark:text-red-300">at limit</span>}
        </span>
      </div>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={used}
        aria-valuetext={text}
        className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={cx(
            "h-full rounded-full",
            level === "full" ? "bg-red-600" : level === "high" ? "bg-amber-500" : "bg-blue-600 dark:bg-blue-500",
          )}
          style={{ width: `${pct}%` }}
        />
      </div>
    </div>
  );
}

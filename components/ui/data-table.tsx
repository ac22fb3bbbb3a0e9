"use client";

import { useMemo, useState, type ReactNode } from "react";
import { Button } from "./button";
import { controlClass } from "./field";
import { cx } from "./cx";

export interface TColumn {
  key: string;
  label: string;
  sortable?: boolean;
  align?: "left" | "right";
  /** For action columns: the header is read by screen readers but not shown. */
  hideLabel?: boolean;
}

export type TSortValue = string | number | null;

export interface TRow {
  id: string;
  cells: Record<string, ReactNode>;
  /** Values to sort and filter by, per column key; cells themselves are rendered nodes. */
  values: Record<string, TSortValue>;
}

type TSort = { key: string; dir: "asc" | "desc" };

const PAGE_SIZE = 50;

function compare(a: TSortValue, b: TSortValue): number {
  if (a === b) return 0;
  // A missing value (never used, no expiry) counts as the smallest.
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), "en", { numeric: true, sensitivity: "base" });
}

/**
 * A dense table that sorts by header, filters by text past 10 rows and pages past 50 rows.
 * Server components pass rendered cells plus plain values, so the table needs no row callbacks.
 */
export function DataTable({
  label,
  columns,
  rows,
  initialSort,
  empty,
}: {
  label: string;
  columns: TColumn[];
  rows: TRow[];
  initialSort?: TSort;
  empty?: ReactNode;
}) {
  const [sort, setSort] = useState<TSort | null>(initialSort ?? null);
  const [filter, setFilter] = useState("");
  const [page, setPage] = useState(0);

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept = needle
      ? rows.filter((r) => Object.values(r.values).some((v) => v !== null && String(v).toLowerCase().includes(needle)))
      : rows;
    if (!sort) return kept;
    const sign = sort.dir === "asc" ? 1 : -1;
    return [...kept].sort((a, b) => sign * compare(a.values[sort.key] ?? null, b.values[sort.key] ?? null));
  }, [rows, filter, sort]);

  const pages = Math.max(1, Math.ceil(visible.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = visible.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  const toggle = (key: string) => {
    setSort((s) => (s?.key === key ? { key, dir: s.dir === "asc" ? "desc" : "asc" } : { key, dir: "asc" }));
    setPage(0);
  };

  if (rows.length === 0 && empty) return <>{empty}</>;

  return (
    <div>
      {rows.length > 10 && (
        <div className="border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
          <input
            type="search"
            aria-label={`Filter ${label}`}
            placeholder="Filter…"
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              setPage(0);
            }}
            className={controlClass("h-8 w-full max-w-xs text-sm")}
          />
        </div>
      )}
      {/* relative: the sr-only labels inside are absolutely positioned and would otherwise widen the page past this scroll box. */}
      <div className="relative overflow-x-auto">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">{label}</caption>
          <thead>
            <tr className="border-b border-zinc-200 text-left text-xs font-medium text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
              {columns.map((c) => {
                const dir = sort?.key === c.key ? sort.dir : null;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : c.sortable ? "none" : undefined}
                    className={cx("whitespace-nowrap px-4 py-2 font-medium", c.align === "right" && "text-right")}
                  >
                    {c.hideLabel ? (
                      <span className="sr-only">{c.label}</span>
                    ) : c.sortable ? (
                      <button
                        type="button"
                        onClick={() => toggle(c.key)}
                        className="inline-flex items-center gap-1 rounded hover:text-zinc-900 dark:hover:text-zinc-100"
                      >
                        {c.label}
                        <span aria-hidden className="w-2 text-[10px]">
                          {dir === "asc" ? "▲" : dir === "desc" ? "▼" : ""}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} className="border-b border-zinc-100 last:border-0 hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40">
                {columns.map((c) => (
                  <td key={c.key} className={cx("whitespace-nowrap px-4 py-2 align-middle", c.align === "right" && "text-right")}>
                    {r.cells[c.key]}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-4 py-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
                  Nothing matches “{filter}”.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <div className="flex items-center justify-between gap-3 border-t border-zinc-200 px-4 py-2 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          <span>
            {current * PAGE_SIZE + 1}–{current * PAGE_SIZE + shown.length} of {visible.length}
          </span>
          <span className="flex gap-2">
            <Button size="sm" disabled={current === 0} onClick={() => setPage(current - 1)}>
              Previous
            </Button>
            <Button size="sm" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
              Next
            </Button>
          </span>
        </div>
      )}
    </div>
  );
}

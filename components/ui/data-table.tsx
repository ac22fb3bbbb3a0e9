"use client";

import { useMemo, useState, type ReactNode } from "react";
import { Button } from "./button";
import { controlClass } from "./field";
import { cx } from "./cx";
import { RowMenu } from "./row-menu";

export interface TColumn {
  key: string;
  label: string;
  sortable?: boolean;
  align?: "left" | "right";
  /** For action columns: the header is read by screen readers but not shown. */
  hideLabel?: boolean;
  /** A hint on the header (what the column measures, and when). */
  title?: string;
  /**
   * How the cell sits in a row's card below the `sm` breakpoint: `state` leads, `title` follows
   * on the same line, `actions` go behind a row menu; other cells are labelled lines beneath.
   */
  role?: "title" | "state" | "actions";
}

/** A select that keeps only rows whose value for `key` is the chosen one (the options are the values present). */
export interface TFacet {
  key: string;
  label: string;
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
 * A dense table that sorts by header, filters by text (past 10 rows, or when asked) and by facets,
 * pages past 50 rows, and stacks its rows as cards on a phone (state first, actions in a menu).
 * Server components pass rendered cells plus plain values, so the table needs no row callbacks.
 */
export function DataTable({
  label,
  columns,
  rows,
  initialSort,
  empty,
  search = rows.length > 10,
  facets = [],
  initialFilter = "",
}: {
  label: string;
  columns: TColumn[];
  rows: TRow[];
  initialSort?: TSort;
  empty?: ReactNode;
  /** Show the text filter (by default past 10 rows). */
  search?: boolean;
  facets?: TFacet[];
  /** Text to filter by at first (a link such as the command palette's /hosts?q=name). */
  initialFilter?: string;
}) {
  const [sort, setSort] = useState<TSort | null>(initialSort ?? null);
  const [filter, setFilter] = useState(initialFilter);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [page, setPage] = useState(0);

  const options = useMemo(
    () =>
      Object.fromEntries(
        facets.map((f) => [f.key, [...new Set(rows.map((r) => r.values[f.key]).filter((v) => v !== null && v !== "").map(String))].sort()]),
      ),
    [facets, rows],
  );

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept = rows.filter(
      (r) =>
        (!needle || Object.values(r.values).some((v) => v !== null && String(v).toLowerCase().includes(needle))) &&
        Object.entries(chosen).every(([key, want]) => !want || String(r.values[key] ?? "") === want),
    );
    if (!sort) return kept;
    const sign = sort.dir === "asc" ? 1 : -1;
    return [...kept].sort((a, b) => sign * compare(a.values[sort.key] ?? null, b.values[sort.key] ?? null));
  }, [rows, filter, chosen, sort]);

  const sortable = columns.filter((c) => c.sortable);
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
      {(search || facets.length > 0 || (sortable.length > 0 && rows.length > 1)) && (
        // Sorting by header needs the header, which cards do not have: on a phone a select sorts instead.
        <div
          className={cx(
            "flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800",
            !search && facets.length === 0 && "sm:hidden",
          )}
        >
          {search && (
            <input
              type="search"
              aria-label={`Filter ${label}`}
              placeholder="Filter…"
              value={filter}
              onChange={(e) => {
                setFilter(e.target.value);
                setPage(0);
              }}
              // A line of its own on a phone: beside the selects it would shrink to nothing.
              className={controlClass("h-8 w-full min-w-0 flex-1 basis-full text-sm sm:max-w-xs sm:basis-48")}
            />
          )}
          {facets.map((f) => (
            <select
              key={f.key}
              aria-label={`${f.label} of ${label}`}
              value={chosen[f.key] ?? ""}
              onChange={(e) => {
                setChosen((c) => ({ ...c, [f.key]: e.target.value }));
                setPage(0);
              }}
              className={controlClass("h-8 w-auto text-sm")}
            >
              <option value="">Any {f.label.toLowerCase()}</option>
              {options[f.key]?.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          ))}
          {sortable.length > 0 && rows.length > 1 && (
            <select
              aria-label={`Sort ${label}`}
              value={sort ? `${sort.key}:${sort.dir}` : ""}
              onChange={(e) => {
                const [key, dir] = e.target.value.split(":");
                setSort(key ? { key, dir: dir === "desc" ? "desc" : "asc" } : null);
                setPage(0);
              }}
              className={controlClass("h-8 w-auto text-sm sm:hidden")}
            >
              <option value="">Unsorted</option>
              {sortable.flatMap((c) => [
                <option key={`${c.key}:asc`} value={`${c.key}:asc`}>
                  {c.label} ↑
                </option>,
                <option key={`${c.key}:desc`} value={`${c.key}:desc`}>
                  {c.label} ↓
                </option>,
              ])}
            </select>
          )}
          {visible.length !== rows.length && (
            <span className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
              {visible.length} of {rows.length}
            </span>
          )}
        </div>
      )}
      {/* relative: the sr-only labels inside are absolutely positioned and would otherwise widen the page past this scroll box.
          Below `sm` there is no scroll box: the table lays out as cards (one per row), so nothing scrolls sideways. */}
      <div className="relative sm:overflow-x-auto">
        <table className="w-full border-collapse text-sm max-sm:block">
          <caption className="sr-only">{label}</caption>
          <thead className="max-sm:hidden">
            <tr className="border-b border-zinc-200 text-left text-xs font-medium text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
              {columns.map((c) => {
                const dir = sort?.key === c.key ? sort.dir : null;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : c.sortable ? "none" : undefined}
                    title={c.title}
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
          <tbody className="max-sm:block">
            {shown.map((r) => (
              <tr
                key={r.id}
                className="border-b border-zinc-100 last:border-0 hover:bg-zinc-50 max-sm:flex max-sm:flex-wrap max-sm:items-center max-sm:gap-x-3 max-sm:gap-y-1.5 max-sm:px-4 max-sm:py-3 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40"
              >
                {columns.map((c) => (
                  <td
                    key={c.key}
                    data-label={c.label}
                    className={cx(
                      "px-4 py-2 align-middle sm:whitespace-nowrap max-sm:min-w-0 max-sm:p-0",
                      c.align === "right" && "sm:text-right",
                      c.role === "state" && "max-sm:order-1",
                      c.role === "title" && "max-sm:order-2 max-sm:flex-1",
                      c.role === "actions" && "max-sm:order-3 max-sm:ml-auto",
                      !c.role &&
                        "max-sm:order-4 max-sm:flex max-sm:basis-full max-sm:gap-3 max-sm:text-xs max-sm:before:w-24 max-sm:before:shrink-0 max-sm:before:text-zinc-600 max-sm:before:content-[attr(data-label)] dark:max-sm:before:text-zinc-400",
                    )}
                  >
                    {c.role === "actions" ? (
                      <RowMenu label={String(r.values[columns.find((x) => x.role === "title")?.key ?? ""] ?? r.id)}>{r.cells[c.key]}</RowMenu>
                    ) : (
                      <div className="max-sm:min-w-0 max-sm:flex-1 max-sm:break-words">{r.cells[c.key]}</div>
                    )}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr className="max-sm:block">
                <td colSpan={columns.length} className="max-sm:block px-4 py-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
                  {filter ? <>Nothing matches “{filter}”.</> : "Nothing matches these filters."}
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

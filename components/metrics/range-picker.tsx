"use client";

/** The time range buttons above a set's or an app's charts (one pressed at a time). */
export function RangePicker<T extends string>({ ranges, value, onChange }: { ranges: ReadonlyArray<{ value: T; label: string }>; value: T; onChange: (v: T) => void }) {
  return (
    <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700">
      {ranges.map((r) => (
        <button
          key={r.value}
          type="button"
          aria-pressed={value === r.value}
          onClick={() => onChange(r.value)}
          className={`rounded px-3 py-1 text-sm ${
            value === r.value ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
          }`}
        >
          {r.label}
        </button>
      ))}
    </div>
  );
}

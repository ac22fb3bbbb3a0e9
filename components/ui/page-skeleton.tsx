import { cx } from "./cx";

/** A list page (header, one table) or the dashboard (two cards above a table). */
export type TSkeletonShape = "table" | "cards";

const BLOCK = "rounded bg-zinc-200 dark:bg-zinc-800";

function Bar({ className }: { className: string }) {
  return <div className={cx(BLOCK, className)} />;
}

function TableCard({ rows }: { rows: number }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <Bar className="h-4 w-32" />
      </div>
      <div className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="flex items-center gap-4 px-4 py-3">
            <Bar className="h-4 w-1/4 min-w-24" />
            <Bar className="h-4 w-16" />
            <Bar className="hidden h-4 flex-1 sm:block" />
            <Bar className="h-4 w-12" />
          </div>
        ))}
      </div>
    </div>
  );
}

function Card() {
  return (
    <div className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <Bar className="h-4 w-28" />
      <Bar className="h-3 w-3/4" />
      <Bar className="h-3 w-1/2" />
      <Bar className="h-8 w-full" />
    </div>
  );
}

/**
 * Grey blocks in the shape of the page about to appear (a route's loading.tsx): the navigation
 * stays put and the click visibly did something while the server renders. Screen readers hear
 * "Loading" once; the blocks are decoration. No heading: a page's only <h1> is its own.
 */
export function PageSkeleton({ shape = "table", rows = 5 }: { shape?: TSkeletonShape; rows?: number }) {
  return (
    <div role="status" aria-label="Loading" aria-busy="true" className="animate-pulse motion-reduce:animate-none">
      <span className="sr-only">Loading…</span>
      <div aria-hidden className="space-y-4">
        <div className="mb-5 space-y-2">
          <Bar className="h-6 w-40" />
          <Bar className="h-4 w-72 max-w-full" />
        </div>
        {shape === "cards" ? (
          <>
            <div className="grid gap-4 xl:grid-cols-2">
              <Card />
              <Card />
            </div>
            <TableCard rows={rows} />
          </>
        ) : (
          <TableCard rows={rows} />
        )}
      </div>
    </div>
  );
}

import type { ReactNode } from "react";

/** Says what is missing and what to do next; never a blank panel. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 px-6 py-10 text-center">
      <p className="text-sm font-semibold">{title}</p>
      {children && <div className="max-w-prose text-sm text-zinc-600 dark:text-zinc-400">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

"use client";

import { useCallback, useId, useRef, useState, type ReactNode } from "react";
import { cx } from "./cx";
import { useDismiss } from "./use-dismiss";

/**
 * A row's actions: inline from the `sm` breakpoint up, behind one "⋯" button below it, so a card
 * on a phone keeps its actions without widening the page. The children stay mounted either way:
 * a dialog an action opened survives the menu closing around it.
 */
export function RowMenu({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, close, ref);
  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        aria-label={`Actions for ${label}`}
        onClick={() => setOpen((o) => !o)}
        className="grid h-8 w-9 place-items-center rounded-md border border-zinc-300 bg-white text-base leading-none text-zinc-700 hover:bg-zinc-50 sm:hidden dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        <span aria-hidden>⋯</span>
      </button>
      <div
        id={id}
        data-testid="row-actions"
        className={cx(
          "sm:flex sm:flex-wrap sm:items-center sm:justify-end sm:gap-2",
          open
            ? "max-sm:absolute max-sm:right-0 max-sm:top-full max-sm:z-30 max-sm:mt-1 max-sm:flex max-sm:w-max max-sm:max-w-[calc(100vw-3rem)] max-sm:flex-col max-sm:items-stretch max-sm:gap-2 max-sm:rounded-md max-sm:border max-sm:border-zinc-200 max-sm:bg-white max-sm:p-2 max-sm:shadow-lg max-sm:dark:border-zinc-700 max-sm:dark:bg-zinc-900"
            : "max-sm:hidden",
        )}
      >
        {children}
      </div>
    </div>
  );
}

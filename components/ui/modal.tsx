"use client";

import { useId, useRef, type FormEvent, type ReactNode, type RefObject } from "react";
import { cx } from "./cx";

/** Opens and closes one native modal dialog; `open` also runs `onOpen` (reset a form, load data). */
export function useModal(onOpen?: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  return {
    ref,
    open: () => {
      onOpen?.();
      ref.current?.showModal();
    },
    close: () => ref.current?.close(),
  };
}

/**
 * A native modal <dialog> with a form inside: focus is trapped, Escape closes it and focus goes
 * back to the opener. Enter in a field submits, like any form. Same look as ConfirmButton's dialog.
 */
export function Modal({
  dialogRef,
  title,
  description,
  children,
  footer,
  onSubmit,
  wide = false,
}: {
  dialogRef: RefObject<HTMLDialogElement | null>;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer: ReactNode;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  wide?: boolean;
}) {
  const titleId = useId();
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      className={cx(
        "m-auto max-h-[calc(100vh-2rem)] whitespace-normal rounded-lg border border-zinc-200 bg-white p-0 text-left font-normal text-zinc-900 shadow-xl dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100",
        wide ? "w-[min(40rem,calc(100vw-2rem))]" : "w-[min(28rem,calc(100vw-2rem))]",
      )}
    >
      <form onSubmit={onSubmit} noValidate>
        <div className="space-y-4 p-5">
          <div>
            <h2 id={titleId} className="text-base font-semibold">
              {title}
            </h2>
            {description && <div className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</div>}
          </div>
          {children}
        </div>
        <div className="flex flex-wrap justify-end gap-2 border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">{footer}</div>
      </form>
    </dialog>
  );
}

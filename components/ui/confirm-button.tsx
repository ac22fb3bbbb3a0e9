"use client";

import { useId, useRef, type ReactNode } from "react";
import { useApiAction } from "../use-api-action";
import { Button, type TButtonVariant } from "./button";
import { ErrorBanner } from "./error-banner";

/**
 * A button that asks before it acts. The native modal <dialog> traps focus, closes on Escape and
 * returns focus to the button. On success the page re-reads its data; on failure the dialog stays
 * open and shows the server's reason.
 */
export function ConfirmButton({
  label,
  title,
  body,
  confirmLabel,
  onConfirm,
  variant = "danger",
  size = "sm",
  disabledReason,
  ariaLabel,
}: {
  label: string;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  variant?: TButtonVariant;
  size?: "sm" | "md";
  disabledReason?: string;
  ariaLabel?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { run, pending, error, clearError } = useApiAction();

  const confirm = async () => {
    const result = await run(onConfirm);
    if (result.ok) ref.current?.close();
  };

  return (
    <>
      <Button
        variant={variant}
        size={size}
        disabledReason={disabledReason}
        aria-label={ariaLabel}
        onClick={() => {
          clearError();
          ref.current?.showModal();
        }}
      >
        {label}
      </Button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        // Often rendered inside a table cell: the cell's right alignment and no-wrap must not leak in.
        className="m-auto w-[min(28rem,calc(100vw-2rem))] whitespace-normal rounded-lg border border-zinc-200 text-left font-normal bg-white p-0 text-zinc-900 shadow-xl dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <div className="space-y-3 p-5">
          <h2 id={titleId} className="text-base font-semibold">
            {title}
          </h2>
          <div className="text-sm text-zinc-700 dark:text-zinc-300">{body}</div>
          {error && <ErrorBanner title="That did not work">{error}</ErrorBanner>}
        </div>
        <div className="flex justify-end gap-2 border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <Button onClick={() => ref.current?.close()} autoFocus>
            Cancel
          </Button>
          <Button variant={variant === "danger" ? "danger" : "primary"} onClick={confirm} disabled={pending}>
            {pending ? "Working…" : confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}

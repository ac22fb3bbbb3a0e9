"use client";

import Link from "next/link";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { copyText } from "./copy-button";
import { useDismiss } from "./use-dismiss";

export interface TCopyItem {
  label: string;
  value: string;
}

/**
 * One small button that opens the values worth copying (a set's name and its id), instead of a
 * heavy Copy button per id. The values stay in the page (monospace, selectable) for whoever
 * prefers to select them by hand.
 */
export function CopyMenu({ items, label }: { items: TCopyItem[]; label: string }) {
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  // Fixed to the viewport under the button: a table's scroll box would otherwise clip the menu.
  const [at, setAt] = useState<{ top: number; left: number } | null>(null);
  const ref = useRef<HTMLSpanElement>(null);
  const id = useId();
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, close, ref);
  useEffect(() => {
    if (!open) return;
    // A fixed menu would drift from its button when the page scrolls: close it instead.
    window.addEventListener("scroll", close, true);
    window.addEventListener("resize", close);
    return () => {
      window.removeEventListener("scroll", close, true);
      window.removeEventListener("resize", close);
    };
  }, [open, close]);
  return (
    <span ref={ref} className="relative inline-block align-middle">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        aria-label={`Copy ${label}`}
        title={`Copy ${label}`}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setAt({ top: r.bottom + 4, left: Math.max(8, Math.min(r.left, window.innerWidth - 320)) });
          setCopied(null);
          setOpen((o) => !o);
        }}
        className="grid size-6 place-items-center rounded text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.5">
          <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
          <path d="M10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1" />
        </svg>
      </button>
      <span
        id={id}
        hidden={!open}
        style={at ? { top: at.top, left: at.left } : undefined}
        className="fixed z-30 w-max max-w-[min(24rem,calc(100vw-2rem))] rounded-md border border-zinc-200 bg-white p-1 text-left shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      >
        {items.map((item) => (
          <button
            key={item.label}
            type="button"
            className="flex w-full items-baseline gap-2 rounded px-2 py-1 text-left text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800"
            onClick={() => {
              copyText(item.value).then(
                () => setCopied(item.label),
                (err: unknown) => {
                  console.warn("copy to clipboard failed", err);
                  setCopied(`${item.label} failed`);
                },
              );
            }}
          >
            <span className="w-10 shrink-0 font-medium text-zinc-600 dark:text-zinc-400">{item.label}</span>
            <code className="break-all font-mono">{item.value}</code>
          </button>
        ))}
        <span aria-live="polite" className="block px-2 text-xs text-zinc-600 dark:text-zinc-400">
          {copied ? (copied.endsWith("failed") ? "Copy failed — select the text and copy it by hand" : `${copied} copied`) : ""}
        </span>
      </span>
    </span>
  );
}

/** A set's name (what people say), its id on hover and in the copy menu. */
export function SetName({ id, name, href }: { id: string; name: string; href?: string }) {
  return (
    <span className="inline-flex items-center gap-1">
      {href ? (
        <Link href={href} title={`Set ${id}`} className="font-mono text-sm font-medium text-blue-700 hover:underline dark:text-blue-400" data-testid="set-name">
          {name}
        </Link>
      ) : (
        <span title={`Set ${id}`} className="font-mono font-medium" data-testid="set-name">
          {name}
        </span>
      )}
      <CopyMenu label={`name or id of ${name}`} items={[{ label: "Name", value: name }, { label: "Id", value: id }]} />
    </span>
  );
}

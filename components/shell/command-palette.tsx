"use client";

import { useRouter } from "next/navigation";
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { ZAppView } from "@/lib/protocol/apps";
import { ZHost } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { cx } from "../ui/cx";
import type { TNavItem } from "./nav-items";
import { NAVIGATION_START } from "./navigation-progress";
import { matchItems, paletteItems, type TPaletteItem } from "./palette-items";

const ZApps = ZAppView.array();
/** The nav's button opens the palette from inside a menu that a phone hides (a hidden parent would hide the dialog too). */
const OPEN_EVENT = "berth:command-palette";
const ZHosts = ZHost.array();

/**
 * Ctrl/Cmd-K: jump to any page, app or set of the selected team, or (admins) host. A combobox over
 * a listbox: arrows move, Enter opens, Escape closes. Apps, sets and hosts load when it opens, so
 * it lists what exists now, not at page load.
 */
export function CommandPalette({
  nav,
  isAdmin,
  team,
}: {
  nav: TNavItem[];
  isAdmin: boolean;
  team: string | null;
}) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [items, setItems] = useState<TPaletteItem[]>(() =>
    paletteItems(nav, isAdmin, [], []),
  );
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const show = useCallback(() => {
    setQuery("");
    setActive(0);
    setOpen(true);
    dialog.current?.showModal();
    input.current?.focus();
    setLoading(true);
    setError(null);
    Promise.all([
      team
        ? apiFetch(`/api/v1/teams/${encodeURIComponent(team)}/apps`, {
            schema: ZApps,
          })
        : Promise.resolve([]),
      isAdmin
        ? apiFetch("/api/v1/hosts", { schema: ZHosts })
        : Promise.resolve([]),
    ])
      .then(
        ([apps, hosts]) => setItems(paletteItems(nav, isAdmin, apps, hosts)),
        (err: unknown) =>
          setError(err instanceof Error ? err.message : String(err)),
      )
      .finally(() => setLoading(false));
  }, [nav, isAdmin, team]);

  useEffect(() => {
    const onOpen = () => show();
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => window.removeEventListener(OPEN_EVENT, onOpen);
  }, [show]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (
        (e.ctrlKey || e.metaKey) &&
        !e.altKey &&
        e.key.toLowerCase() === "k"
      ) {
        e.preventDefault();
        if (dialog.current?.open) dialog.current.close();
        else show();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [show]);

  const matches = useMemo(() => matchItems(items, query), [items, query]);
  const current = Math.min(active, Math.max(0, matches.length - 1));

  const go = (item: TPaletteItem | undefined) => {
    if (!item) return;
    dialog.current?.close();
    // The bar finishes when the URL changes: opening the page already shown would leave it running.
    if (item.href !== `${window.location.pathname}${window.location.search}`) window.dispatchEvent(new Event(NAVIGATION_START));
    router.push(item.href);
  };

  const optionId = (i: number) => `${listId}-option-${i}`;

  useEffect(() => {
    if (!open) return;
    document
      .getElementById(optionId(current))
      ?.scrollIntoView({ block: "nearest" });
  });

  return (
    <dialog
      ref={dialog}
      aria-label="Jump to a page, app, set or host"
      onClose={() => setOpen(false)}
      className="mx-auto mt-[12vh] w-[min(36rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl backdrop:bg-zinc-950/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="border-b border-zinc-200 p-2 dark:border-zinc-800">
        <input
          ref={input}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={matches.length ? optionId(current) : undefined}
          aria-label="Jump to"
          placeholder={
            isAdmin ? "App, set, host or page…" : "App, set or page…"
          }
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((current + 1) % Math.max(1, matches.length));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive(
                (current - 1 + matches.length) % Math.max(1, matches.length),
              );
            } else if (e.key === "Enter") {
              e.preventDefault();
              go(matches[current]);
            }
          }}
          className="h-10 w-full rounded-md bg-transparent px-2 text-base outline-none placeholder:text-zinc-500"
        />
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label="Matches"
        className="max-h-[50vh] overflow-y-auto p-1"
      >
        {matches.map((item, i) => (
          <li
            key={item.key}
            id={optionId(i)}
            role="option"
            aria-selected={i === current}
            onPointerMove={() => setActive(i)}
            onClick={() => go(item)}
            className={cx(
              "flex cursor-pointer items-baseline gap-3 rounded-md px-2.5 py-1.5 text-sm",
              i === current && "bg-blue-50 dark:bg-blue-950",
            )}
          >
            <span className="w-10 shrink-0 text-xs text-zinc-600 dark:text-zinc-400">
              {item.group}
            </span>
            <span
              className={cx(
                "max-w-[60%] shrink-0 truncate font-medium",
                item.group !== "Page" && "font-mono",
              )}
            >
              {item.label}
            </span>
            <span className="min-w-0 flex-1 truncate text-right text-xs text-zinc-600 dark:text-zinc-400">
              {item.hint}
            </span>
          </li>
        ))}
      </ul>
      <p
        className="border-t border-zinc-200 px-3 py-1.5 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
        aria-live="polite"
      >
        {error
          ? `Could not load apps and hosts: ${error}`
          : loading
            ? "Loading apps and sets…"
            : matches.length === 0
              ? `Nothing matches “${query}”`
              : "↑ ↓ to move · Enter to open · Esc to close"}
      </p>
    </dialog>
  );
}

export function CommandPaletteButton() {
  return (
    <button
      type="button"
      onClick={() => window.dispatchEvent(new Event(OPEN_EVENT))}
      className="flex w-full items-center justify-between gap-2 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-left text-sm text-zinc-600 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-400 dark:hover:bg-zinc-800"
      aria-keyshortcuts="Control+K Meta+K"
    >
      Jump to…
      <kbd className="rounded border border-zinc-300 px-1 font-sans text-[11px] dark:border-zinc-600">
        Ctrl K
      </kbd>
    </button>
  );
}

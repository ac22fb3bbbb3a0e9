"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";

/** Code that navigates with router.push (the command palette) announces it with this event. */
export const NAVIGATION_START = "berth:navigation-start";

/** Whether a click on this link starts a client navigation to another page of this console. */
function navigatesAway(e: MouseEvent): boolean {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return false;
  const a = e.target instanceof Element ? e.target.closest("a") : null;
  if (!a || !a.href || (a.target && a.target !== "_self") || a.hasAttribute("download")) return false;
  const to = new URL(a.href, window.location.href);
  if (to.origin !== window.location.origin || to.pathname.startsWith("/api/")) return false;
  // Same page (a hash, or this very URL): nothing to wait for.
  return to.pathname !== window.location.pathname || to.search !== window.location.search;
}

/**
 * A thin bar at the top while a page is on its way: on a slow link the old page otherwise stays
 * with no sign the click was taken (the skeletons show only once the route's shell arrives).
 * It starts on a link click or Back/Forward and finishes when the URL the router shows changes.
 */
export function NavigationProgress() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const [phase, setPhase] = useState<"idle" | "running" | "done">("idle");
  const [width, setWidth] = useState(0);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);

  useEffect(() => {
    const start = () => {
      if (timer.current) clearInterval(timer.current);
      setPhase("running");
      setWidth(8);
      // Creeps toward 90 % and never gets there: the real end is the URL changing.
      timer.current = setInterval(() => setWidth((w) => w + (90 - w) * 0.08), 200);
    };
    const onClick = (e: MouseEvent) => {
      if (navigatesAway(e)) start();
    };
    // Capture: next/link cancels the click's default in React's handler, before a bubbling listener would see it.
    document.addEventListener("click", onClick, true);
    window.addEventListener("popstate", start);
    window.addEventListener(NAVIGATION_START, start);
    return () => {
      window.removeEventListener(NAVIGATION_START, start);
      document.removeEventListener("click", onClick, true);
      window.removeEventListener("popstate", start);
      if (timer.current) clearInterval(timer.current);
    };
  }, []);

  const [shown, setShown] = useState(`${pathname}?${search}`);
  if (shown !== `${pathname}?${search}`) {
    setShown(`${pathname}?${search}`);
    if (phase === "running") {
      setPhase("done");
      setWidth(100);
    }
  }

  useEffect(() => {
    if (phase !== "done") return;
    if (timer.current) clearInterval(timer.current);
    const t = setTimeout(() => {
      setPhase("idle");
      setWidth(0);
    }, 300);
    return () => clearTimeout(t);
  }, [phase]);

  if (phase === "idle") return null;
  return (
    <div
      role="progressbar"
      aria-label="Loading page"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(width)}
      data-testid="nav-progress"
      className="pointer-events-none fixed inset-x-0 top-0 z-50 h-0.5"
    >
      <div
        className="h-full bg-blue-600 shadow-[0_0_6px_rgba(37,99,235,0.7)] transition-[width,opacity] duration-200 ease-out dark:bg-blue-400"
        style={{ width: `${width}%`, opacity: phase === "done" ? 0 : 1 }}
      />
    </div>
  );
}

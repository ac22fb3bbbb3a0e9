"use client";

import type { MouseEvent, ReactNode } from "react";
import { teamCookie } from "@/lib/ui/team-cookie";

/**
 * A link into a page that shows the selected team's objects (the apps pages), from an object of
 * another team. Following it selects `team` first, as the switcher would; a full page load then
 * renders the shell and the page for that team together, with no stale prefetch in between.
 */
export function TeamSelectingLink({ href, team, className, children }: { href: string; team: string; className?: string; children: ReactNode }) {
  const select = (e: MouseEvent<HTMLAnchorElement>) => {
    // Left and middle clicks follow the link (middle or modified ones into a new tab); a right click only opens a menu.
    if (e.button === 0 || e.button === 1) document.cookie = teamCookie(team);
  };
  return (
    <a href={href} className={className} onClick={select} onAuxClick={select}>
      {children}
    </a>
  );
}

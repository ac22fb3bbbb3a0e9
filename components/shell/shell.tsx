"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { Suspense, useState, type ReactNode } from "react";
import { AlertBell } from "../alerts/alert-bell";
import { Badge, type TTone } from "../ui/badge";
import { Button } from "../ui/button";
import { cx } from "../ui/cx";
import { CommandPalette, CommandPaletteButton } from "./command-palette";
import { isActive, NAV_ITEMS } from "./nav-items";
import { NavigationProgress } from "./navigation-progress";
import { TeamSwitcher } from "./team-switcher";

export interface TShellProps {
  email: string;
  isAdmin: boolean;
  teams: { slug: string; name: string }[];
  selectedTeam: string | null;
  health: { tone: TTone; text: string };
  /** Quota requests waiting for an admin; shown next to Admin (admins only, 0 hides it). */
  pendingApprovals?: number;
  /** Alerts firing now (the selected team's; every alert for admins) and where the bell re-counts them. */
  alerts?: { firing: number; countUrl: string | null };
  children: ReactNode;
}

export function Shell({ email, isAdmin, teams, selectedTeam, health, pendingApprovals = 0, alerts = { firing: 0, countUrl: null }, children }: TShellProps) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [openedAt, setOpenedAt] = useState(pathname);
  // Following a link on a narrow screen closes the menu again.
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    setOpen(false);
  }
  const items = NAV_ITEMS.filter((i) => !i.adminOnly || isAdmin);

  return (
    <div className="min-h-screen lg:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm dark:focus:bg-zinc-900"
      >
        Skip to content
      </a>
      <aside className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900 lg:sticky lg:top-0 lg:flex lg:h-screen lg:w-60 lg:shrink-0 lg:flex-col lg:border-b-0 lg:border-r">
        <div className="flex h-14 items-center justify-between gap-3 px-4">
          <Link href="/" className="flex items-center gap-2 rounded font-semibold tracking-tight">
            <span aria-hidden className="grid size-6 place-items-center rounded bg-blue-600 text-xs font-bold text-white">
              B
            </span>
            Berth
          </Link>
          <div className="ml-auto lg:ml-0">
            <AlertBell initialCount={alerts.firing} countUrl={alerts.countUrl} />
          </div>
          <Button
            className="lg:hidden"
            size="sm"
            aria-expanded={open}
            aria-controls="console-nav"
            onClick={() => setOpen((o) => !o)}
          >
            {open ? "Close menu" : "Menu"}
            {/* The count next to Admin is inside the closed menu on a phone: show that something waits. */}
            {!open && pendingApprovals > 0 && (
              <>
                <span aria-hidden className="size-2 rounded-full bg-blue-600 dark:bg-blue-400" />
                <span className="sr-only">({pendingApprovals} pending approvals)</span>
              </>
            )}
          </Button>
        </div>
        <div id="console-nav" className={cx("flex-1 flex-col gap-4 overflow-y-auto px-3 pb-4 lg:flex", open ? "flex" : "hidden")}>
          <div className="px-1" title="Hosts reporting to this console">
            <Badge tone={health.tone}>{health.text}</Badge>
          </div>
          <div className="px-1">
            <TeamSwitcher teams={teams} selected={selectedTeam} />
          </div>
          <div className="px-1">
            <CommandPaletteButton />
          </div>
          <nav aria-label="Console">
            <ul className="space-y-0.5">
              {items.map((item) => {
                const active = isActive(pathname, item.href);
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={active ? "page" : undefined}
                      className={cx(
                        "flex items-center justify-between gap-2 rounded-md px-2.5 py-1.5 text-sm",
                        active
                          ? "bg-zinc-100 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-white"
                          : "text-zinc-700 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800/60 dark:hover:text-white",
                      )}
                    >
                      {item.label}
                      {item.href === "/admin" && pendingApprovals > 0 && (
                        <span title={`${pendingApprovals} quota ${pendingApprovals === 1 ? "request waits" : "requests wait"} for a decision`}>
                          <Badge tone="info" dot={false}>
                            {pendingApprovals}
                            <span className="sr-only"> pending {pendingApprovals === 1 ? "approval" : "approvals"}</span>
                          </Badge>
                        </span>
                      )}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="mt-auto border-t border-zinc-200 px-1 pt-3 dark:border-zinc-800">
            <Link href="/account" className="block truncate text-sm font-medium hover:underline" title={`${email}: account and password`}>
              {email}
            </Link>
            <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">{isAdmin ? "Platform admin" : "Team user"}</p>
            <Button size="sm" onClick={() => void signOut({ callbackUrl: "/login" })}>
              Log out
            </Button>
          </div>
        </div>
      </aside>
      {/* useSearchParams wants a boundary; the bar has nothing to show before the client runs anyway. */}
      <Suspense fallback={null}>
        <NavigationProgress />
      </Suspense>
      <CommandPalette nav={items} isAdmin={isAdmin} team={selectedTeam} />
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-8">
        {children}
      </main>
    </div>
  );
}

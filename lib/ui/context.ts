import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import type { TPrincipal } from "../auth/principal";
import type { TTeam } from "../protocol/api";
import { listTeams } from "../teams/teams";
import { requirePrincipal } from "./session";
import { TEAM_COOKIE } from "./team-cookie";

export interface TConsoleContext {
  principal: TPrincipal;
  /** Teams the caller belongs to; every team for admins. */
  teams: TTeam[];
  /** The team the switcher points at, or null when the caller has no team. */
  team: TTeam | null;
}

/** Shared by the shell and the page in one request, so teams are read once. */
export const consoleContext = cache(async (): Promise<TConsoleContext> => {
  const principal = await requirePrincipal();
  const teams = await listTeams(principal);
  const chosen = (await cookies()).get(TEAM_COOKIE)?.value;
  // A stale cookie (team deleted, membership removed) falls back to the first team instead of failing.
  const team = teams.find((t) => t.slug === chosen) ?? teams[0] ?? null;
  return { principal, teams, team };
});

export function canManageTeam(principal: TPrincipal, role: TTeam["role"]): boolean {
  return principal.isAdmin || role === "OWNER";
}

import { requireAdmin, requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import type { Alert, Prisma } from "../generated/prisma/client";
import type { TAlert, TAlertQuery } from "../protocol/alerts";
import { alertView } from "./store";

const LIMIT = 500;

function filter(q: TAlertQuery): Prisma.AlertWhereInput {
  return { ...(q.state ? { state: q.state } : {}), ...(q.rule ? { rule: q.rule } : {}), ...(q.severity ? { severity: q.severity } : {}) };
}

/** Firing first, then newest; at most 500. */
const ORDER: Prisma.AlertOrderByWithRelationInput[] = [{ state: "asc" }, { lastSeenAt: "desc" }];

export async function listTeamAlerts(p: TPrincipal, team: string, q: TAlertQuery): Promise<TAlert[]> {
  const { team: t } = await requireTeam(p, team, "VIEWER");
  const rows = await db().alert.findMany({ where: { teamId: t.id, ...filter(q) }, orderBy: ORDER, take: LIMIT });
  return rows.map(alertView);
}

/** Admins: platform alerts and every team's. */
export async function listAllAlerts(p: TPrincipal, q: TAlertQuery): Promise<TAlert[]> {
  requireAdmin(p);
  const rows = await db().alert.findMany({ where: filter(q), orderBy: ORDER, take: LIMIT });
  return rows.map(alertView);
}

/** For the console's pages: rows with what they link to and the team they belong to. */
export interface TAlertRow extends TAlert {
  team: string | null;
  setId: string | null;
  appId: string | null;
  hostId: string | null;
  details: Record<string, unknown>;
}

type TAlertWithTeam = Alert & { team: { slug: string } | null };

function row(a: TAlertWithTeam): TAlertRow {
  return { ...alertView(a), team: a.team?.slug ?? null, setId: a.setId, appId: a.appId, hostId: a.hostId, details: (a.details ?? {}) as Record<string, unknown> };
}

/**
 * The alerts a console page shows: the team's (admins: every team's and the platform's when
 * `team` is null). `where` narrows to one app, set or host for banners.
 */
export async function alertRows(p: TPrincipal, team: string | null, q: TAlertQuery, where: Prisma.AlertWhereInput = {}): Promise<TAlertRow[]> {
  let scope: Prisma.AlertWhereInput;
  if (team === null) {
    requireAdmin(p);
    scope = {};
  } else {
    scope = { teamId: (await requireTeam(p, team, "VIEWER")).team.id };
  }
  const rows = await db().alert.findMany({ where: { ...scope, ...filter(q), ...where }, include: { team: { select: { slug: true } } }, orderBy: ORDER, take: LIMIT });
  return rows.map(row);
}

/** Firing alerts the bell counts: the team's, or for admins every firing alert. */
export async function firingCount(p: TPrincipal, team: string | null): Promise<number> {
  if (p.isAdmin) return db().alert.count({ where: { state: "firing" } });
  if (team === null) return 0;
  const { team: t } = await requireTeam(p, team, "VIEWER");
  return db().alert.count({ where: { teamId: t.id, state: "firing" } });
}

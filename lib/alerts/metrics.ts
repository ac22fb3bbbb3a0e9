import { db } from "../db";

/** Firing alerts by rule and team slug ("" for platform alerts), for berth_alerts_firing. */
export async function firingByRuleAndTeam(): Promise<Array<{ rule: string; team: string; count: number }>> {
  const rows = await db().$queryRaw<Array<{ rule: string; team: string | null; count: bigint }>>`
    SELECT a.rule, t.slug AS team, count(*) AS count
      FROM "Alert" a LEFT JOIN "Team" t ON t.id = a."teamId"
     WHERE a.state = 'firing'::"AlertState"
     GROUP BY a.rule, t.slug`;
  return rows.map((r) => ({ rule: r.rule, team: r.team ?? "", count: Number(r.count) }));
}

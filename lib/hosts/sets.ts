import { requireAdmin } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import { setName } from "../sets/spec";

export interface THostSet {
  id: string;
  name: string;
  team: string;
  state: string;
}

/** Every live set on each host, by host id, so the hosts page can say what a drain or an outage touches. */
export async function setsByHost(p: TPrincipal): Promise<Map<string, THostSet[]>> {
  requireAdmin(p);
  const sets = await db().set.findMany({
    where: { deletedAt: null, hostId: { not: null } },
    select: { id: true, hostId: true, ordinal: true, state: true, app: { select: { name: true } }, team: { select: { slug: true } } },
    orderBy: [{ team: { slug: "asc" } }, { app: { name: "asc" } }, { ordinal: "asc" }],
  });
  const byHost = new Map<string, THostSet[]>();
  for (const s of sets) {
    if (!s.hostId) continue;
    const list = byHost.get(s.hostId) ?? [];
    list.push({ id: s.id, name: setName(s.app.name, s.ordinal), team: s.team.slug, state: s.state });
    byHost.set(s.hostId, list);
  }
  return byHost;
}

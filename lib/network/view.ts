import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import { settings } from "../env";
import type { TTeamNetwork } from "../protocol/apps";
import { setName } from "../sets/spec";

/** The team's subnets, one per host it runs on, and which live set holds which address. */
export async function getTeamNetwork(p: TPrincipal, slug: string): Promise<TTeamNetwork> {
  const { team } = await requireTeam(p, slug, "VIEWER");
  const subnets = await db().teamSubnet.findMany({
    where: { teamId: team.id },
    orderBy: { cidr: "asc" },
    include: {
      host: { select: { id: true, name: true } },
      sets: { where: { deletedAt: null }, orderBy: { ip: "asc" }, select: { id: true, ip: true, state: true, ordinal: true, app: { select: { name: true } } } },
    },
  });
  const s = settings();
  return {
    pool: s.BERTH_NETWORK_POOL,
    subnetPrefix: s.BERTH_NETWORK_SUBNET_PREFIX,
    subnets: subnets.map((n) => ({
      host: n.host,
      cidr: n.cidr,
      gateway: n.gateway,
      sets: n.sets.map((x) => ({ id: x.id, name: setName(x.app.name, x.ordinal), app: x.app.name, ip: x.ip, state: x.state })),
    })),
  };
}

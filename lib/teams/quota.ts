import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import type { TQuota } from "../protocol/api";

/** Sets that hold resources: everything not yet gone. */
export const LIVE_SET_FILTER = { deletedAt: null } as const;

export async function getQuota(p: TPrincipal, slug: string): Promise<TQuota> {
  const { team } = await requireTeam(p, slug, "VIEWER");
  const [quota, used] = await Promise.all([
    db().quota.findUnique({ where: { teamId: team.id } }),
    db().set.aggregate({
      where: { teamId: team.id, ...LIVE_SET_FILTER },
      _sum: { cpuMillis: true, memoryMiB: true, diskGiB: true },
      _count: true,
    }),
  ]);
  return {
    limits: {
      cpu: (quota?.cpuMillis ?? 0) / 1000,
      memoryMiB: quota?.memoryMiB ?? 0,
      diskGiB: quota?.diskGiB ?? 0,
      sets: quota?.sets ?? 0,
    },
    used: {
      cpu: (used._sum.cpuMillis ?? 0) / 1000,
      memoryMiB: used._sum.memoryMiB ?? 0,
      diskGiB: used._sum.diskGiB ?? 0,
      sets: used._count,
    },
  };
}

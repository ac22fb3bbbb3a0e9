import { randomUUID } from "node:crypto";
import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { loadSetFor } from "../apps/view";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import { volumeKey, type TTrashEntry } from "../protocol/agent";
import { callAgent } from "../realtime/gateway";
import { settings } from "../env";
import { consoleProm } from "../metrics/prom";

const DAY_MS = 86_400_000;

function trashDays(): number {
  return settings().BERTH_TRASH_DAYS;
}

export interface TVolumeView {
  id: string;
  app: string | null;
  setId: string | null;
  host: string | null;
  sizeGiB: number;
  usedBytes: number;
  trashedAt: string | null;
  purgeAfter: string | null;
}

/**
 * A host reported that a removed set's volume is now in its recycle bin. Accepted only for a set
 * the console placed on that host, now or before (or a volume it already knows there); team and app come from the
 * console's books, never from the report, so an agent cannot put rows into another team's bin.
 */
export async function recordTrashed(hostId: string, entry: TTrashEntry): Promise<boolean> {
  const purgeAfter = new Date(Date.now() + trashDays() * DAY_MS);
  const existing = await db().volume.findFirst({
    where: {
      OR: [
        { setId: entry.setId, hostId },
        { path: entry.key, hostId },
        // The copy a recovered set left behind on this host (detached from the set at recovery).
        { setId: null, trashedAt: null, path: volumeKey(entry.setId, hostId), hostId },
      ],
    },
  });
  if (existing) {
    await db().volume.update({ where: { id: existing.id }, data: { setId: null, trashedAt: new Date(entry.trashedAt), purgeAfter, path: entry.key } });
    return true;
  }
  const set = await db().set.findUnique({ where: { id: entry.setId }, select: { hostId: true, teamId: true, app: { select: { id: true, diskGiB: true } } } });
  // A set that moved on (drain, failover) leaves its old copy's volume in the old host's bin.
  const placedHere = set && (set.hostId === hostId || (await db().operation.count({ where: { setId: entry.setId, hostId, kind: "set.apply" } })) > 0);
  if (!set || !placedHere) {
    consoleProm().foreignReports.inc({ kind: "trash" });
    return false;
  }
  await db().volume.create({
    data: { teamId: set.teamId, appId: set.app?.id ?? null, hostId, sizeGiB: set.app?.diskGiB ?? entry.sizeGiB, path: entry.key, trashedAt: new Date(entry.trashedAt), purgeAfter },
  });
  return true;
}

export async function listVolumes(p: TPrincipal, teamSlug: string, trashed: boolean): Promise<TVolumeView[]> {
  const { team } = await requireTeam(p, teamSlug, "VIEWER");
  const rows = await db().volume.findMany({
    where: { teamId: team.id, trashedAt: trashed ? { not: null } : null },
    include: { app: { select: { name: true } }, host: { select: { name: true } } },
    orderBy: { updatedAt: "desc" },
  });
  return rows.map((v) => ({
    id: v.id,
    app: v.app?.name ?? null,
    setId: v.setId,
    host: v.host?.name ?? null,
    sizeGiB: v.sizeGiB,
    usedBytes: Number(v.usedBytes),
    trashedAt: v.trashedAt?.toISOString() ?? null,
    purgeAfter: v.purgeAfter?.toISOString() ?? null,
  }));
}

async function trashedVolume(p: TPrincipal, teamSlug: string, id: string) {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const volume = await db().volume.findFirst({ where: { id, teamId: team.id, trashedAt: { not: null } } });
  if (!volume || !volume.path || !volume.hostId) throw notFound("Volume in the recycle bin");
  return { team, volume: { ...volume, path: volume.path, hostId: volume.hostId } };
}

/** Brings a trashed volume back into a set of the same app on the same host (its data lives there). */
export async function restoreVolume(p: TPrincipal, teamSlug: string, id: string, setId: string): Promise<TVolumeView> {
  const { team, volume } = await trashedVolume(p, teamSlug, id);
  const set = await loadSetFor(p, setId, "MEMBER");
  if (set.teamId !== team.id || set.appId !== volume.appId) {
    throw new AppError("VALIDATION", "A volume goes back only into a set of the app it came from", { issues: [{ path: "setId", message: "other app" }] });
  }
  if (set.hostId !== volume.hostId) {
    throw new AppError("CONFLICT", "The volume lives on another host than this set; pick a set on the same host");
  }
  const { displaced } = await callAgent(volume.hostId, "volume:restore", { opId: randomUUID(), trashKey: volume.path, setId });
  await db().$transaction(async (tx) => {
    const current = await tx.volume.findUnique({ where: { setId } });
    if (current && displaced) {
      await tx.volume.update({ where: { id: current.id }, data: { setId: null, trashedAt: new Date(), purgeAfter: new Date(Date.now() + trashDays() * DAY_MS), path: displaced.key } });
    }
    await tx.volume.update({ where: { id }, data: { setId, trashedAt: null, purgeAfter: null, path: current?.path ?? volume.path } });
    await recordAudit(tx, actorOf(p), { teamId: team.id, action: "volume.restore", targetType: "volume", targetId: id, details: { setId, displaced: displaced?.key ?? null } });
  });
  const [view] = (await listVolumes(p, teamSlug, false)).filter((v) => v.id === id);
  return view;
}

export async function purgeVolume(p: TPrincipal | null, teamSlug: string | null, id: string): Promise<void> {
  const row = p && teamSlug ? (await trashedVolume(p, teamSlug, id)).volume : await db().volume.findUnique({ where: { id } });
  if (!row?.path || !row.hostId) return;
  await callAgent(row.hostId, "volume:purge", { trashKey: row.path });
  await db().$transaction(async (tx) => {
    await tx.volume.delete({ where: { id } });
    await recordAudit(tx, p ? actorOf(p) : { userId: null, label: "system (recycle bin)", ip: null }, {
      teamId: row.teamId,
      action: "volume.purge",
      targetType: "volume",
      targetId: id,
      details: { sizeGiB: row.sizeGiB },
    });
  });
}

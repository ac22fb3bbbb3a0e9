import { actorOf, recordAudit } from "../audit";
import { requireAdmin } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { getSet } from "../apps/view";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import type { TSetView } from "../protocol/apps";

/**
 * An admin moves a set off a host that is gone (unreachable, engine not ready, or revoked) although
 * its volume holds data there: the set is placed again with an empty volume. The old volume is
 * left where it is, detached from the set; if the host returns, its copy goes to the recycle bin
 * like any removed set's, so the data can still be fetched from there.
 */
export async function recoverSet(p: TPrincipal, setId: string): Promise<TSetView> {
  requireAdmin(p);
  await db().$transaction(async (tx) => {
    const set = await tx.set.findUnique({ where: { id: setId }, include: { host: true, app: { select: { name: true } } } });
    if (!set || set.deletedAt) throw notFound("Set");
    if (!set.host) throw new AppError("CONFLICT", "The set is not on any host; it is placed as soon as one has room");
    const hostGone = set.host.revokedAt !== null || set.host.status !== "Ready";
    if (!hostGone) throw new AppError("CONFLICT", `Host ${set.host.name} is Ready: the set is not waiting for it`);
    if (set.state === "Deleting") throw new AppError("CONFLICT", "The set is being deleted");
    await tx.volume.updateMany({ where: { setId, trashedAt: null }, data: { setId: null } });
    await tx.container.updateMany({ where: { setId }, data: { dockerId: null, state: "Pending" } });
    await tx.set.update({
      where: { id: setId },
      data: { hostId: null, state: "Pending", infraDockerId: null, reason: `recovered from host ${set.host.name} without its volume's data; placing again` },
    });
    await recordAudit(tx, actorOf(p), {
      teamId: set.teamId,
      action: "set.recover",
      targetType: "set",
      targetId: setId,
      details: { app: set.app.name, fromHost: set.host.name, hostStatus: set.host.revokedAt ? "revoked" : set.host.status, acceptDataLoss: true },
    });
  });
  return getSet(p, setId);
}

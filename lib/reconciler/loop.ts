import { db } from "../db";
import { settings } from "../env";
import { removeSet } from "../apps/delete";
import { connectedHostIds } from "../realtime/agents";
import { releaseSubnets, scheduleAndDispatch } from "../scheduler/assign";
import { dispatchApply } from "../sets/dispatch";
import { purgeVolume } from "../volumes/recycle";
import { isLeader } from "../cluster/leader";

/** A set `Creating` for longer than this without progress is sent to its host again. */
const STUCK_MS = 60_000;
const SLOW_PASS_MS = 10_000;

/**
 * The periodic half of reconciliation (the other half runs on every agent hello): places Pending
 * sets, retries stuck creates and pending removals on connected hosts, and drops the rows of
 * deleted apps once all their sets are gone. Nothing stays `Creating` forever.
 */
export async function reconcileOnce(): Promise<void> {
  await rescheduleFromLostHosts();
  await scheduleAndDispatch();
  await releaseSubnets();
  const connected = await connectedHostIds();
  const stuck = await db().set.findMany({
    where: {
      deletedAt: null,
      hostId: { in: connected },
      OR: [{ state: "Creating", updatedAt: { lt: new Date(Date.now() - STUCK_MS) } }, { state: "Deleting" }],
    },
    select: { id: true, state: true, hostId: true },
  });
  await Promise.all(stuck.map((s) => (s.state === "Deleting" ? removeSet(s.id, s.hostId) : dispatchApply(s.id))));
  // Sets being deleted whose host is gone for good (revoked) are dropped from the books.
  await db().set.updateMany({ where: { state: "Deleting", deletedAt: null, OR: [{ hostId: null }, { host: { revokedAt: { not: null } } }] }, data: { deletedAt: new Date() } });
  await db().app.deleteMany({ where: { deletedAt: { not: null }, sets: { none: { deletedAt: null } } } });
  // The recycle bin keeps volumes BERTH_TRASH_DAYS; past that they are purged on their host.
  const expired = await db().volume.findMany({ where: { purgeAfter: { lt: new Date() }, hostId: { in: connected } }, select: { id: true } });
  for (const v of expired) await purgeVolume(null, null, v.id).catch((err: unknown) => console.error(`[reconcile] purge of volume ${v.id} failed`, err));
}

/**
 * A host silent past the reschedule timeout (much longer than the Unreachable grace) loses its
 * sets: they go back to Pending and are placed elsewhere. When the host returns, its inventory
 * still holds the old copies; the reconciler removes them there because no live set of that host
 * owns them any more. Sets that were being deleted on it are dropped from the books.
 */
export async function rescheduleFromLostHosts(): Promise<number> {
  const cutoff = new Date(Date.now() - settings().BERTH_RESCHEDULE_SECONDS * 1000);
  const lost = await db().host.findMany({
    // A host whose agent is connected again keeps its sets even if no heartbeat has landed yet.
    where: {
      OR: [
        { status: "Unreachable", id: { notIn: await connectedHostIds() }, OR: [{ lastSeenAt: { lt: cutoff } }, { revokedAt: { not: null } }] },
        // Connected, but its Docker engine has failed or hung for as long.
        { status: "NotReady", statusSince: { lt: cutoff } },
      ],
    },
    select: { id: true, name: true, status: true },
  });
  let moved = 0;
  for (const host of lost) {
    // The host may have come back since the list was read (a slow pass): its agent's inventory
    // then owns its sets, and holding or moving them now would undo what it reported.
    if ((await connectedHostIds()).includes(host.id)) continue;
    // Every write below also requires the host to be as lost as it was read.
    const stillLost = { is: { id: host.id, status: host.status } };
    await db().set.updateMany({ where: { hostId: host.id, deletedAt: null, state: "Deleting", host: stillLost }, data: { deletedAt: new Date() } });
    // A set whose volume holds data (or was never measured) is not restarted empty elsewhere: it
    // waits, placed where its data is, until the host returns or an admin recovers it elsewhere.
    const held = await db().set.findMany({
      where: { hostId: host.id, deletedAt: null, volume: { is: { trashedAt: null, hostId: host.id, OR: [{ holdsData: true }, { holdsData: null }] } } },
      select: { id: true },
    });
    const heldIds = held.map((h) => h.id);
    if (heldIds.length) {
      const reason = heldReason(host);
      const waiting = await db().set.updateMany({
        where: { id: { in: heldIds }, host: stillLost, OR: [{ state: { not: "Pending" } }, { reason: null }, { reason: { not: reason } }] },
        data: { state: "Pending", reason },
      });
      if (waiting.count) console.log(`[reconcile] ${waiting.count} set(s) of lost host ${host.name} wait for it: their volumes hold data (${heldIds.join(", ")})`);
    }
    const r = await db().set.updateMany({
      where: { hostId: host.id, deletedAt: null, id: { notIn: heldIds }, host: stillLost },
      // The address stays reserved on the lost host's subnet: a set that finds no other home before
      // the host returns is taken back there with it; one placed elsewhere gets a new one.
      data: { hostId: null, state: "Pending", infraDockerId: null, reason: `host ${host.name} ${host.status === "NotReady" ? "not ready (its Docker engine)" : "unreachable"}; rescheduling` },
    });
    if (r.count) {
      await db().container.updateMany({ where: { set: { hostId: null, deletedAt: null, state: "Pending" }, dockerId: { not: null } }, data: { dockerId: null, state: "Pending" } });
      console.log(`[reconcile] ${r.count} set(s) of lost host ${host.name} rescheduled`);
    }
    moved += r.count;
  }
  return moved;
}

/** Why a set waits for its host; the set page and the API show it as the set's reason. */
export function heldReason(host: { name: string; status: string }): string {
  const why = host.status === "NotReady" ? "whose Docker engine is not ready" : "that is unreachable";
  return `volume on unreachable host ${host.name} (${why}): waiting for it to return; an admin may recover the set elsewhere without its data`;
}

export function startReconcileLoop(intervalMs: number): { close(): void } {
  let running = false;
  const timer = setInterval(() => {
    // One replica reconciles (lib/cluster/leader.ts): two would place and apply the same sets twice.
    if (running || !isLeader()) return;
    running = true;
    const started = Date.now();
    reconcileOnce()
      .catch((err: unknown) => console.error("[reconcile] pass failed", err))
      .finally(() => {
        running = false;
        // A pass this long held back every placement, retry and host loss behind it: say so.
        const took = Date.now() - started;
        if (took > SLOW_PASS_MS) console.warn(`[reconcile] a pass took ${Math.round(took / 1000)} s`);
      });
  }, intervalMs);
  return { close: () => clearInterval(timer) };
}

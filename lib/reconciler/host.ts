import { randomUUID } from "node:crypto";
import { removeSet } from "../apps/delete";
import { rollbackApp } from "../apps/canary";
import { db } from "../db";
import type { TContainerEvent, TSetStatus } from "../protocol/agent";
import { callAgent } from "../realtime/gateway";
import { dispatchApply, isMovingWithData } from "../sets/dispatch";
import { recordSetStatus } from "../sets/sync";
import { settings } from "../env";
import { consoleProm } from "../metrics/prom";
import { alertOnOomKill, recordExit } from "../alerts/container-events";


/**
 * Desired (database) against actual (one host's inventory), run on every agent hello: re-applies
 * sets that are missing or not running, removes sets being deleted, and removes Berth containers
 * that no live set on this host owns (deleted sets, or stale copies of sets moved elsewhere).
 */
export async function reconcileHost(hostId: string, inventory: TSetStatus[]): Promise<{ applied: number; removed: number }> {
  const desired = await db().set.findMany({ where: { hostId, deletedAt: null }, include: { containers: { select: { id: true } } } });
  const actual = new Map(inventory.map((s) => [s.setId, s]));
  let applied = 0;
  let removed = 0;
  const work: Promise<void>[] = [];
  for (const set of desired) {
    const found = actual.get(set.id);
    actual.delete(set.id);
    if (set.state === "Deleting") {
      work.push(removeSet(set.id, hostId).then(() => void removed++));
      continue;
    }
    const state = found ? await recordSetStatus(set.id, found) : null;
    if (set.desiredRunning && state !== "Running") {
      applied++;
      work.push(dispatchApply(set.id));
    }
  }
  for (const setId of await reclaimUnplaced(hostId, [...actual.keys()])) {
    actual.delete(setId);
    applied++;
    work.push(dispatchApply(setId));
  }
  for (const orphan of actual.keys()) {
    // Its volume is being copied off this host right now: the move removes this copy itself.
    if (await isMovingWithData(orphan)) continue;
    removed++;
    work.push(
      callAgent(hostId, "set:action", { opId: randomUUID(), setId: orphan, action: "remove" }).then(
        () => console.log(`[reconcile] removed orphan set ${orphan} from host ${hostId}`),
        (err: unknown) => console.error(`[reconcile] orphan ${orphan} on ${hostId} not removed`, err),
      ),
    );
  }
  await Promise.all(work);
  return { applied, removed };
}

/**
 * Sets that were taken from this host while it was away (back to Pending) but not yet placed
 * elsewhere still run here: the host takes them back, containers and volume intact, rather than
 * removing them and starting them again on some other host. A cordoned host gives them up.
 */
async function reclaimUnplaced(hostId: string, setIds: string[]): Promise<string[]> {
  if (setIds.length === 0) return [];
  const host = await db().host.findUnique({ where: { id: hostId }, select: { cordoned: true, revokedAt: true } });
  if (!host || host.cordoned || host.revokedAt) return [];
  return db().$transaction(async (tx) => {
    // Row locks, so the scheduler cannot place one of these sets elsewhere in between. Only sets
    // whose last apply the console sent to this very host (answered or not: an agent killed
    // mid-apply leaves containers behind): an agent cannot claim a set by naming it.
    const unplaced = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT s.id FROM "Set" s
       WHERE s.id = ANY(${setIds}) AND s."hostId" IS NULL AND s."deletedAt" IS NULL AND s.state = 'Pending'::"SetState"
         AND (SELECT o."hostId" FROM "Operation" o
               WHERE o."setId" = s.id AND o.kind = 'set.apply'
               ORDER BY o."createdAt" DESC LIMIT 1) = ${hostId}
       FOR UPDATE OF s`;
    const ids = unplaced.map((r) => r.id);
    if (ids.length === 0) return [];
    await tx.set.updateMany({ where: { id: { in: ids } }, data: { hostId, state: "Creating", reason: "its host came back; taken back there" } });
    return ids;
  });
}

const pendingStatus = new Map<string, NodeJS.Timeout>();

/** Whether the books place the set on this host; counts the reports of an agent about others' sets. */
async function reportsOnOwnSet(hostId: string, setId: string): Promise<boolean> {
  const set = await db().set.findUnique({ where: { id: setId }, select: { hostId: true, deletedAt: true } });
  if (!set || set.deletedAt) return false;
  if (set.hostId !== hostId) {
    // An agent may only report on its own host's sets. Counted, not audited per event: a rogue
    // agent must not be able to fill the audit log.
    consoleProm().foreignReports.inc({ kind: "container_event" });
    return false;
  }
  return true;
}

/**
 * A Docker event from an agent. Events come in bursts (stop → die → stop), so the set's status is
 * re-read once per set after a short pause rather than once per event, and whether the set is this
 * host's is checked then too (once per burst); a die or OOM of an app container is acted on at once.
 * Pauses are per host and set, so another host's reports cannot postpone this one's.
 */
export async function onContainerEvent(hostId: string, e: TContainerEvent): Promise<void> {
  const urgent = e.role === "app" && (e.action === "die" || e.action === "oom");
  if (urgent) {
    if (!(await reportsOnOwnSet(hostId, e.setId))) return;
    if (e.action === "die") await Promise.all([watchCanaryExit(e), recordExit(e)]);
    else {
      await recordOomKill(e);
      await alertOnOomKill(e);
    }
  }
  const key = `${hostId}/${e.setId}`;
  clearTimeout(pendingStatus.get(key));
  pendingStatus.set(
    key,
    setTimeout(() => {
      pendingStatus.delete(key);
      reportsOnOwnSet(hostId, e.setId)
        .then(async (own) => {
          if (own) await recordSetStatus(e.setId, await callAgent(hostId, "set:status", { setId: e.setId }));
        })
        .catch((err: unknown) => console.error(`[reconcile] status of set ${e.setId} not read`, err));
    }, 150),
  );
}

/** Counted per container row; the count starts again when a canary or recreate replaces the container. */
async function recordOomKill(e: TContainerEvent): Promise<void> {
  await db().container.updateMany({
    where: { setId: e.setId, index: e.index },
    data: { oomKills: { increment: 1 }, lastOomAt: new Date(e.at), lastOomCause: e.detail ?? null },
  });
  console.warn(`[reconcile] set ${e.setId} container ${e.name}: OOM kill (${e.detail ?? "cause not read"})`);
}

const canaryExits = new Map<string, number[]>();

function canaryPolicy(): { exits: number; windowMs: number } {
  const s = settings();
  return { exits: s.BERTH_CANARY_MAX_EXITS, windowMs: s.BERTH_CANARY_WINDOW_SECONDS * 1000 };
}

/**
 * A canary container that keeps exiting (Docker restarts it, it dies again) within the window is
 * rolled back without waiting for a person: the previous image comes back in the canary's sets.
 */
async function watchCanaryExit(e: TContainerEvent): Promise<void> {
  const set = await db().set.findUnique({ where: { id: e.setId }, select: { app: { select: { id: true, canary: true } } } });
  const canary = set?.app.canary as { container: string; setIds: string[] } | null | undefined;
  if (!set || !canary || canary.container !== e.name || !canary.setIds.includes(e.setId)) return;
  const { exits, windowMs } = canaryPolicy();
  const key = `${set.app.id}/${e.setId}`;
  const recent = [...(canaryExits.get(key) ?? []), e.at].filter((t) => t > e.at - windowMs);
  canaryExits.set(key, recent);
  if (recent.length < exits) return;
  canaryExits.delete(key);
  const rolled = await rollbackApp(set.app.id, { userId: null, label: "system (canary watchdog)", ip: null }, `${e.name} exited ${recent.length} times within ${windowMs / 1000} s`);
  if (rolled) console.log(`[canary] rolled back app ${set.app.id}: ${e.name} kept exiting`);
}

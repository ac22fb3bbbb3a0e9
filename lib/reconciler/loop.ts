import { db } from "../db";
import { removeSet } from "../apps/delete";
import { connectedHostIds } from "../realtime/agents";
import { scheduleAndDispatch } from "../scheduler/assign";
import { dispatchApply } from "../sets/dispatch";

/** A set `Creating` for longer than this without progress is sent to its host again. */
const STUCK_MS = 60_000;

/**
 * The periodic half of reconciliation (the other half runs on every agent hello): places Pending
 * sets, retries stuck creates and pending removals on connected hosts, and drops the rows of
 * deleted apps once all their sets are gone. Nothing stays `Creating` forever.
 */
export async function reconcileOnce(): Promise<void> {
  await scheduleAndDispatch();
  const connected = connectedHostIds();
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
}

export function startReconcileLoop(intervalMs: number): { close(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reconcileOnce()
      .catch((err: unknown) => console.error("[reconcile] pass failed", err))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  return { close: () => clearInterval(timer) };
}

import { db } from "../db";
import { settings } from "../env";
import type { TContainerEvent } from "../protocol/agent";
import { CONTAINER_SET, crashCandidate, oomCandidate } from "./rules";
import { raiseAlert } from "./store";

/**
 * Alerts raised straight from an agent's container event, on whichever replica holds its socket:
 * an OOM kill must show within seconds, not at the next sweep. The sweep (leader) keeps them
 * firing and resolves them; the partial unique index keeps one firing alert whoever raises it.
 */

async function containerOf(e: TContainerEvent) {
  return db().container.findUnique({ where: { setId_index: { setId: e.setId, index: e.index } }, include: { set: CONTAINER_SET } });
}

export async function alertOnOomKill(e: TContainerEvent): Promise<void> {
  const c = await containerOf(e);
  if (c) await raiseAlert(oomCandidate(c));
}

/**
 * Remembers the exit of an app container whose set should run (kept only within the crash_loop
 * window) and raises crash_loop once there are too many.
 */
export async function recordExit(e: TContainerEvent): Promise<void> {
  const s = settings();
  const at = new Date(e.at);
  const cutoff = new Date(Date.now() - s.BERTH_ALERT_CRASH_WINDOW_SECONDS * 1000);
  const updated = await db().$executeRaw`
    UPDATE "Container" c SET "recentExits" = array_append(ARRAY(SELECT t FROM unnest(c."recentExits") AS t WHERE t > ${cutoff} ORDER BY t), ${at}::timestamp(3))
      FROM "Set" s
     WHERE c."setId" = ${e.setId} AND c.index = ${e.index} AND s.id = c."setId" AND s."desiredRunning" AND s."deletedAt" IS NULL AND s.state <> 'Deleting'::"SetState"`;
  if (updated === 0) return;
  const c = await containerOf(e);
  const found = c ? crashCandidate(c) : null;
  if (found) await raiseAlert(found);
}

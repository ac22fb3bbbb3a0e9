import { randomUUID } from "node:crypto";
import { db } from "../db";
import { AppError } from "../errors";
import type { TSetAction } from "../protocol/agent";
import { callAgent } from "../realtime/gateway";
import { buildSetSpec } from "./spec";
import { markSet, recordSetStatus } from "./sync";

async function runOperation<T>(
  kind: string,
  set: { id: string; teamId: string; hostId: string | null },
  payload: Record<string, string | number | boolean>,
  work: (opId: string) => Promise<T>,
): Promise<T> {
  const op = await db().operation.create({
    data: { id: randomUUID(), kind, teamId: set.teamId, setId: set.id, hostId: set.hostId, status: "Running", payload },
  });
  try {
    const result = await work(op.id);
    await db().operation.update({ where: { id: op.id }, data: { status: "Succeeded" } });
    return result;
  } catch (err) {
    await db().operation.update({ where: { id: op.id }, data: { status: "Failed", error: (err as Error).message.slice(0, 2000) } });
    throw err;
  }
}

/** A move reports progress every second; one silent for this long was cut short (console restart). */
const MOVE_STALE_MS = 120_000;

export async function isMovingWithData(setId: string): Promise<boolean> {
  const n = await db().operation.count({ where: { setId, kind: "set.move", status: "Running", updatedAt: { gt: new Date(Date.now() - MOVE_STALE_MS) } } });
  return n > 0;
}

/**
 * Sends the set's spec to its host's agent and records the outcome. An unreachable agent leaves
 * the set `Creating` for the reconciler to retry; an image that cannot be had fails the set.
 */
export async function dispatchApply(setId: string): Promise<void> {
  const set = await db().set.findUnique({ where: { id: setId }, include: { containers: true, app: true, subnet: true } });
  if (!set || set.deletedAt || set.state === "Deleting" || !set.hostId) return;
  // Its volume is on its way to the new host: an apply now would create an empty one there first.
  if (await isMovingWithData(setId)) return;
  if (set.state === "Pending" || set.state === "Failed") await markSet(set.id, "Creating", "sent to host", ["Pending", "Failed"]);
  const spec = buildSetSpec(set, set.app, set.containers);
  try {
    const status = await runOperation("set.apply", set, { specVersion: set.specVersion }, (opId) =>
      callAgent(spec.hostId, "set:apply", { opId, spec }),
    );
    await recordSetStatus(set.id, status);
  } catch (err) {
    const agentCode = err instanceof AppError ? err.details?.agentCode : undefined;
    if (agentCode === "IMAGE_UNAVAILABLE" || agentCode === "VALIDATION" || agentCode === "WRONG_HOST" || agentCode === "VOLUME_CHECK_FAILED") {
      // Degraded too: a set brought back after a host restart whose volume no longer mounts.
      await markSet(set.id, "Failed", (err as Error).message, ["Pending", "Creating", "Degraded"]);
    } else {
      await markSet(set.id, "Creating", `waiting for the host: ${(err as Error).message}`, ["Pending", "Creating"]);
    }
  }
}

export async function dispatchAction(setId: string, action: TSetAction["action"]): Promise<void> {
  const set = await db().set.findUnique({ where: { id: setId } });
  if (!set?.hostId) return;
  const hostId = set.hostId;
  const status = await runOperation(`set.${action}`, set, { action }, (opId) => callAgent(hostId, "set:action", { opId, setId, action }));
  if (action === "remove") {
    await db().set.update({ where: { id: setId }, data: { deletedAt: new Date() } });
    return;
  }
  await recordSetStatus(setId, status);
}

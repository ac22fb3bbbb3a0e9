import { randomUUID } from "node:crypto";
import { requireAdmin } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import { callAgent } from "../realtime/gateway";
import { assignPendingSets } from "../scheduler/assign";
import type { Operation } from "../generated/prisma/client";
import type { TOperationView } from "../protocol/api";
import { dispatchApply } from "../sets/dispatch";
import { moveWithData, volumeHoldsData, type TCopyProgress } from "./move";

const WAIT_RUNNING_MS = 120_000;

async function waitRunning(setId: string): Promise<boolean> {
  const deadline = Date.now() + WAIT_RUNNING_MS;
  while (Date.now() < deadline) {
    const s = await db().set.findUnique({ where: { id: setId }, select: { state: true } });
    if (s?.state === "Running") return true;
    if (!s || s.state === "Failed") return false;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/**
 * Cordons the host, then moves its sets elsewhere one at a time: each is placed on another host
 * (within capacity; quota is unchanged by a move), created there and waited until it runs, and
 * only then removed from the drained host, so a set is never down during the move. A set whose
 * volume holds data moves with it instead (lib/hosts/move.ts: stopped, copied, started there). A
 * set that fits nowhere, or whose copy fails, stays where it is and the drain stops with the reason.
 */
export async function startDrain(p: TPrincipal, hostId: string): Promise<{ operationId: string; sets: number }> {
  requireAdmin(p);
  const host = await db().host.findUnique({ where: { id: hostId } });
  if (!host || host.revokedAt) throw notFound("Host");
  const sets = await db().set.findMany({ where: { hostId, deletedAt: null, state: { not: "Deleting" } }, orderBy: { createdAt: "asc" }, select: { id: true } });
  const operationId = randomUUID();
  await db().$transaction(async (tx) => {
    await tx.host.update({ where: { id: hostId }, data: { cordoned: true } });
    await tx.operation.create({ data: { id: operationId, kind: "host.drain", hostId, status: "Running", payload: { total: sets.length, moved: 0 } } });
    await recordAudit(tx, actorOf(p), { action: "host.drain", targetType: "host", targetId: hostId, details: { name: host.name, sets: sets.length, operationId } });
  });
  void drain(hostId, operationId, sets.map((s) => s.id)).catch((err: unknown) => console.error(`[drain] ${host.name} failed`, err));
  return { operationId, sets: sets.length };
}

async function drain(hostId: string, operationId: string, setIds: string[]): Promise<void> {
  let moved = 0;
  for (const setId of setIds) {
    const before = await db().set.findUnique({ where: { id: setId }, select: { hostId: true, state: true, deletedAt: true } });
    if (!before || before.deletedAt || before.hostId !== hostId) continue;
    if (await volumeHoldsData(setId, hostId)) {
      try {
        await moveWithData(setId, hostId, (copy) => progress(operationId, setIds.length, moved, copy), waitRunning);
      } catch (err) {
        await finish(operationId, "Failed", moved, (err as Error).message);
        return;
      }
      moved++;
      await progress(operationId, setIds.length, moved, null);
      continue;
    }
    await db().set.update({ where: { id: setId }, data: { hostId: null, state: "Pending", reason: "draining: moving to another host" } });
    await assignPendingSets();
    // Placed by this call or by the reconciler's own pass: either way it has a new host now.
    const after = await db().set.findUnique({ where: { id: setId }, select: { hostId: true } });
    if (!after?.hostId || after.hostId === hostId) {
      const s = await db().set.findUnique({ where: { id: setId }, select: { reason: true } });
      // Nowhere to go: it keeps running where it is.
      await db().set.update({ where: { id: setId }, data: { hostId, state: before.state, reason: null } });
      await finish(operationId, "Failed", moved, `set ${setId} fits on no other host: ${s?.reason ?? "no capacity"}`);
      return;
    }
    await dispatchApply(setId);
    if (!(await waitRunning(setId))) {
      await finish(operationId, "Failed", moved, `set ${setId} did not run on its new host; the old copy was left in place`);
      return;
    }
    await callAgent(hostId, "set:action", { opId: randomUUID(), setId, action: "remove" }).catch((err: unknown) => {
      // The reconciler removes the stale copy when the host next reports, if this call failed.
      console.warn(`[drain] old copy of ${setId} not removed yet: ${(err as Error).message}`);
    });
    moved++;
    await progress(operationId, setIds.length, moved, null);
  }
  await finish(operationId, "Succeeded", moved, null);
}

async function progress(operationId: string, total: number, moved: number, copy: TCopyProgress | null): Promise<void> {
  await db().operation.update({ where: { id: operationId }, data: { payload: { total, moved, copy: copy ? { ...copy } : null } } });
}

async function finish(operationId: string, status: "Succeeded" | "Failed", moved: number, error: string | null): Promise<void> {
  const op = await db().operation.findUnique({ where: { id: operationId } });
  const total = (op?.payload as { total?: number } | null)?.total ?? moved;
  await db().operation.update({ where: { id: operationId }, data: { status, error, payload: { total, moved } } });
}

export function toOperationView(op: Operation): TOperationView {
  const payload = op.payload as { total?: number; moved?: number; copy?: TCopyProgress | null } | null;
  return {
    id: op.id,
    kind: op.kind,
    status: op.status,
    error: op.error,
    progress: { total: payload?.total ?? 0, moved: payload?.moved ?? 0, copy: payload?.copy ?? null },
    createdAt: op.createdAt.toISOString(),
    updatedAt: op.updatedAt.toISOString(),
  };
}

export async function getOperation(p: TPrincipal, id: string): Promise<TOperationView> {
  const op = await db().operation.findUnique({ where: { id } });
  if (!op) throw notFound("Operation");
  if (!p.isAdmin) {
    const member = op.teamId ? await db().membership.findUnique({ where: { userId_teamId: { userId: p.userId, teamId: op.teamId } } }) : null;
    if (!member) throw notFound("Operation");
  }
  if (op.kind === "host.drain" && !p.isAdmin) throw new AppError("NOT_FOUND", "Operation not found");
  return toOperationView(op);
}

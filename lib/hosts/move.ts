import { randomUUID } from "node:crypto";
import { db } from "../db";
import { AppError } from "../errors";
import { callAgent } from "../realtime/gateway";
import { assignPendingSets } from "../scheduler/assign";
import { dispatchApply } from "../sets/dispatch";
import { closeTransfer, openTransfer, transferProgress } from "../volumes/transfer-relay";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface TCopyProgress {
  setId: string;
  bytes: number;
  total: number;
}

/** Whether a set's volume on this host holds data (or was never measured): then it moves with it. */
export async function volumeHoldsData(setId: string, hostId: string): Promise<boolean> {
  const v = await db().volume.findFirst({ where: { setId, hostId, trashedAt: null }, select: { holdsData: true } });
  return v !== null && v.holdsData !== false;
}

/**
 * Moves a set and its volume's data off `fromHostId`: place it elsewhere, stop it, stream its XFS
 * image from the old host's agent to the new one's through the console's relay (compressed on the
 * wire, sparse on disk, SHA-256 compared on both ends), then apply it there (which mounts the
 * copy) and wait until it runs. Resolves to the new host's id. Throws when the set cannot move;
 * then it runs again where it was, its volume mounted as before.
 *
 * The set is down from its stop until it runs on the new host: its data cannot be in two places.
 */
export async function moveWithData(setId: string, fromHostId: string, onCopy: (p: TCopyProgress) => Promise<void>, waitRunning: (setId: string) => Promise<boolean>): Promise<string> {
  const set = await db().set.findUniqueOrThrow({ where: { id: setId }, include: { host: { select: { name: true } } } });
  const fromName = set.host?.name ?? fromHostId;
  const move = await db().operation.create({
    data: { id: randomUUID(), kind: "set.move", teamId: set.teamId, setId, hostId: fromHostId, status: "Running", payload: { from: fromHostId } },
  });
  const finishMove = (status: "Succeeded" | "Failed", error: string | null) => db().operation.update({ where: { id: move.id }, data: { status, error } });

  // Where it is now, to go back to: placement gives it an address (and host ports) on the new host.
  const home = { hostId: fromHostId, subnetId: set.subnetId, ip: set.ip, hostPorts: set.hostPorts ?? [] };
  await db().set.update({ where: { id: setId }, data: { hostId: null, state: "Pending", reason: "draining: moving to another host with its data" } });
  await assignPendingSets();
  const placed = await db().set.findUnique({ where: { id: setId }, select: { hostId: true, reason: true, host: { select: { name: true } } } });
  if (!placed?.hostId || placed.hostId === fromHostId) {
    await db().set.update({ where: { id: setId }, data: { ...home, state: set.state, reason: set.reason } });
    await finishMove("Failed", "no other host has room");
    throw new AppError("NO_CAPACITY", `set ${setId} fits on no other host: ${placed?.reason ?? "no capacity"}`);
  }
  const toHostId = placed.hostId;
  const toName = placed.host?.name ?? toHostId;
  const total = Math.max(1, set.diskGiB) * GIB;
  const transferId = openTransfer(setId, toHostId);
  // Pending while placed: neither the reconciler's stuck-create retry nor a hello applies it now.
  await db().set.update({ where: { id: setId }, data: { state: "Pending", reason: `moving: copying its volume from ${fromName} to ${toName}` } });
  const ticker = setInterval(() => {
    const p = transferProgress(transferId);
    if (!p) return;
    const note = `moving: copying its volume from ${fromName} to ${toName} (${Math.round(p.received / MIB)} of ${Math.round(total / MIB)} MiB)`;
    // Each tick also keeps the move's operation fresh: a silent one no longer blocks applies.
    void Promise.all([
      db().operation.update({ where: { id: move.id }, data: { payload: { from: fromHostId, to: toHostId, bytes: p.received, total } } }),
      db().set.updateMany({ where: { id: setId, hostId: toHostId }, data: { reason: note } }),
      onCopy({ setId, bytes: p.received, total }),
    ]).catch((err: unknown) => console.warn(`[move] progress of ${setId} not recorded: ${(err as Error).message}`));
  }, 1000);
  try {
    const send = callAgent(fromHostId, "volume:send", { transferId, setId });
    const receive = callAgent(toHostId, "volume:receive", { transferId, setId, sizeGiB: Math.max(1, set.diskGiB) });
    // One side failing cuts the relay, so the other fails now instead of waiting for its partner;
    // both have settled before anything else happens to the set (the sender remounts on failure).
    const cut = () => closeTransfer(transferId);
    const [sending, receiving] = await Promise.allSettled([send.catch((err: unknown) => { cut(); throw err; }), receive.catch((err: unknown) => { cut(); throw err; })]);
    if (receiving.status === "rejected") throw receiving.reason;
    if (sending.status === "rejected") throw sending.reason;
    const sent = sending.value;
    const got = receiving.value;
    if (sent.sha256 !== got.sha256 || sent.bytes !== got.bytes) {
      throw new AppError("UNAVAILABLE", `the copy does not match the original (${sent.bytes} bytes sent, ${got.bytes} received)`);
    }
    await onCopy({ setId, bytes: got.bytes, total });
  } catch (err) {
    const why = (err as Error).message;
    // Back where it was, applied there again: the volume is mounted before the set starts.
    await db().set.update({ where: { id: setId }, data: { ...home, state: "Creating", reason: `move to ${toName} failed, staying on ${fromName}: ${why}` } });
    await finishMove("Failed", why.slice(0, 2000));
    await dispatchApply(setId);
    throw new AppError("UNAVAILABLE", `the volume of set ${setId} could not be copied to ${toName}: ${why}`);
  } finally {
    clearInterval(ticker);
    closeTransfer(transferId);
  }
  await db().set.update({ where: { id: setId }, data: { state: "Creating", reason: `moved with its data from ${fromName}; starting` } });
  await finishMove("Succeeded", null);
  await dispatchApply(setId);
  if (!(await waitRunning(setId))) throw new AppError("UNAVAILABLE", `set ${setId} did not run on ${toName} with its copied volume; the original stays on ${fromName}`);
  // The original goes to the old host's recycle bin: a second copy, kept BERTH_TRASH_DAYS.
  await callAgent(fromHostId, "set:action", { opId: randomUUID(), setId, action: "remove" }).catch((err: unknown) => {
    console.warn(`[move] old copy of ${setId} not removed yet: ${(err as Error).message}`);
  });
  return toHostId;
}

import { EventEmitter } from "node:events";
import { AppError } from "../errors";
import { db } from "../db";
import type { TPrincipal } from "./principal";

/**
 * What an open socket may still do is decided here, again, whenever a user's access changes (a
 * role changed, a membership ended, the admin flag moved, the user was disabled, a token revoked):
 * at once, not at the next periodic check. The use cases that change access call `accessChanged`
 * (from route handlers, a separate module copy: the bus is shared through globalThis and carries
 * only user ids); the realtime wiring re-checks each of those users' sockets with `recheckSocket`,
 * which runs what each feature registered for the socket (rooms, terminals, metrics) with the
 * principal as the database sees it now, or disconnects a socket whose credentials no longer hold.
 */

interface TRecheckableSocket {
  readonly id: string;
  readonly data: { principal: TPrincipal };
  disconnect(close?: boolean): unknown;
}

type TRecheck = (principal: TPrincipal) => Promise<void> | void;

const holder = globalThis as unknown as { berthAccessBus?: EventEmitter };
function bus(): EventEmitter {
  holder.berthAccessBus ??= new EventEmitter().setMaxListeners(0);
  return holder.berthAccessBus;
}

/** The access of these users changed: their open sockets are re-checked now. */
export function accessChanged(userIds: string[]): void {
  if (userIds.length) bus().emit("changed", [...new Set(userIds)]);
}

export function onAccessChanged(listener: (userIds: string[]) => void): () => void {
  bus().on("changed", listener);
  return () => bus().off("changed", listener);
}

const rechecks = new Map<string, Set<TRecheck>>();

/** Runs `recheck` whenever the socket's access is re-checked; the returned function stops it. */
export function onRecheck(socketId: string, recheck: TRecheck): () => void {
  let set = rechecks.get(socketId);
  if (!set) rechecks.set(socketId, (set = new Set()));
  set.add(recheck);
  return () => {
    set.delete(recheck);
    if (set.size === 0 && rechecks.get(socketId) === set) rechecks.delete(socketId);
  };
}

/** Forgets a socket's re-checks (it disconnected). */
export function forgetSocket(socketId: string): void {
  rechecks.delete(socketId);
}

/**
 * Re-reads the socket's principal and re-runs its features' checks with it. Resolves to false when
 * the socket was disconnected because its user or token no longer holds.
 */
export async function recheckSocket(socket: TRecheckableSocket): Promise<boolean> {
  let principal: TPrincipal;
  try {
    principal = await refreshPrincipal(socket.data.principal);
  } catch (err) {
    if (err instanceof AppError && err.code === "UNAUTHENTICATED") {
      socket.disconnect(true);
      return false;
    }
    throw err;
  }
  socket.data.principal = principal;
  const checks = [...(rechecks.get(socket.id) ?? [])];
  const results = await Promise.allSettled(checks.map((check) => check(principal)));
  for (const r of results) if (r.status === "rejected") console.error(`[access] a re-check of socket ${socket.id} failed`, r.reason);
  return true;
}

/**
 * The principal as the database sees it now: a disabled user or a revoked or expired token loses
 * access to what it opened earlier, not only to new requests.
 */
export async function refreshPrincipal(p: TPrincipal): Promise<TPrincipal> {
  const user = await db().user.findUnique({ where: { id: p.userId }, select: { disabled: true, isAdmin: true, sessionEpoch: true } });
  if (!user || user.disabled) throw new AppError("UNAUTHENTICATED", "The user is disabled");
  if (p.via === "session" && p.sessionEpoch !== undefined && p.sessionEpoch !== user.sessionEpoch) throw new AppError("UNAUTHENTICATED", "The session was signed out");
  if (p.via === "token" && p.tokenId) {
    const t = await db().apiToken.findUnique({ where: { id: p.tokenId }, select: { revokedAt: true, expiresAt: true } });
    if (!t || t.revokedAt || (t.expiresAt && t.expiresAt <= new Date())) throw new AppError("UNAUTHENTICATED", "The API token was revoked or expired");
  }
  return { ...p, isAdmin: user.isAdmin };
}

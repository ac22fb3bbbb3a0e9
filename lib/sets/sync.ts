import { db } from "../db";
import { volumeKey, type TSetStatus } from "../protocol/agent";
import { broadcastToTeam } from "../realtime/broadcast";
import { containerState, deriveSetState, type TSetStateName } from "./state";

/**
 * Writes what the agent reported onto the set and its containers, then tells watching browsers.
 * Only what changed is written: every inventory, action and Docker event reports the whole set, and
 * a thousand agents' worth of unchanged rows would keep Postgres and the console busy for nothing.
 * A set still `Creating` is always touched: its `updatedAt` is the reconciler's sign of progress.
 */
export async function recordSetStatus(setId: string, status: TSetStatus | null): Promise<TSetStateName | null> {
  const set = await db().set.findUnique({ where: { id: setId }, include: { containers: true, volume: true } });
  if (!set || set.deletedAt || set.state === "Deleting") return null;
  const { state, reason } = deriveSetState(status, set.containers.length, set.desiredRunning);
  const infra = status?.containers.find((c) => c.role === "infra");
  // A planned address is the console's; only a set from before the plan reports Docker's.
  const setData = { state, reason, ip: set.subnetId ? set.ip : (status?.ip ?? set.ip), infraDockerId: infra?.dockerId ?? set.infraDockerId };
  const setChanged = state === "Creating" || Object.entries(setData).some(([k, v]) => set[k as keyof typeof setData] !== v);
  const containerWrites = set.containers.flatMap((row) => {
    const data = containerChange(row, status?.containers.find((c) => c.role === "app" && c.index === row.index));
    return data ? [db().container.update({ where: { id: row.id }, data })] : [];
  });
  if (setChanged || containerWrites.length > 0) {
    await db().$transaction([...(setChanged ? [db().set.update({ where: { id: setId }, data: setData })] : []), ...containerWrites]);
  }
  let volumeChanged = false;
  if (status?.volume && set.hostId) {
    const data = {
      teamId: set.teamId,
      appId: set.appId,
      hostId: set.hostId,
      sizeGiB: set.diskGiB,
      usedBytes: BigInt(Math.round(status.volume.usedBytes)),
      capacityBytes: BigInt(Math.round(status.volume.sizeBytes)),
      ...(status.volume.entries !== undefined ? { holdsData: status.volume.entries > 0 } : {}),
      path: volumeKey(setId, set.hostId),
    };
    const v = set.volume;
    volumeChanged = !v || Object.entries(data).some(([k, value]) => v[k as keyof typeof data] !== value);
    if (volumeChanged) await db().volume.upsert({ where: { setId }, create: { setId, ...data }, update: data });
  }
  if (setChanged || containerWrites.length > 0 || volumeChanged) {
    broadcastToTeam(set.teamId, "set:state", {
      setId,
      state,
      containers: (status?.containers ?? []).map((c) => ({ name: c.name, index: c.index, role: c.role, state: c.state })),
    });
  }
  return state;
}

type TContainerRow = { state: string; dockerId: string | null; exitCode: number | null; startedAt: Date | null };

/** The columns of one container row that the report changes, or null when it changes none. */
function containerChange(row: TContainerRow, reported: TSetStatus["containers"][number] | undefined) {
  if (!reported) return row.state === "Pending" ? null : { state: "Pending" as const };
  const state = containerState(reported.state);
  const startedAt = reported.startedAt ? new Date(reported.startedAt) : null;
  const same =
    row.state === state &&
    row.dockerId === reported.dockerId &&
    row.exitCode === reported.exitCode &&
    (startedAt === null || row.startedAt?.getTime() === startedAt.getTime());
  if (same) return null;
  return {
    state,
    dockerId: reported.dockerId,
    // A replaced container (canary, recreate) starts with a layer of its own.
    ...(reported.dockerId !== row.dockerId ? { diskBytes: null, oomKills: 0, lastOomAt: null, lastOomCause: null } : {}),
    exitCode: reported.exitCode,
    ...(startedAt ? { startedAt } : {}),
  };
}

/**
 * Sets a state unless the set has moved on: a late failure of an old attempt must not push a set
 * that a newer attempt already brought to Running back to Creating.
 */
export async function markSet(setId: string, state: TSetStateName, reason: string | null, onlyFrom?: TSetStateName[]): Promise<void> {
  const r = await db().set.updateMany({
    where: { id: setId, deletedAt: null, ...(onlyFrom ? { state: { in: onlyFrom } } : {}) },
    data: { state, reason },
  });
  if (r.count === 0) return;
  const set = await db().set.findUnique({ where: { id: setId }, select: { teamId: true } });
  if (set) broadcastToTeam(set.teamId, "set:state", { setId, state, containers: [] });
}

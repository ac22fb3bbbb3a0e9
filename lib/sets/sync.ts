import { db } from "../db";
import { volumeKey, type TSetStatus } from "../protocol/agent";
import { broadcastToTeam } from "../realtime/broadcast";
import { containerState, deriveSetState, type TSetStateName } from "./state";

/** Writes what the agent reported onto the set and its containers, then tells watching browsers. */
export async function recordSetStatus(setId: string, status: TSetStatus | null): Promise<TSetStateName | null> {
  const set = await db().set.findUnique({ where: { id: setId }, include: { containers: true } });
  if (!set || set.deletedAt || set.state === "Deleting") return null;
  const { state, reason } = deriveSetState(status, set.containers.length, set.desiredRunning);
  const infra = status?.containers.find((c) => c.role === "infra");
  await db().$transaction([
    db().set.update({
      where: { id: setId },
      // A planned address is the console's; only a set from before the plan reports Docker's.
      data: { state, reason, ip: set.subnetId ? set.ip : (status?.ip ?? set.ip), infraDockerId: infra?.dockerId ?? set.infraDockerId },
    }),
    ...set.containers.map((row) => {
      const reported = status?.containers.find((c) => c.role === "app" && c.index === row.index);
      return db().container.update({
        where: { id: row.id },
        data: reported
          ? {
              state: containerState(reported.state),
              dockerId: reported.dockerId,
              // A replaced container (canary, recreate) starts with a layer of its own.
              ...(reported.dockerId !== row.dockerId ? { diskBytes: null, oomKills: 0, lastOomAt: null, lastOomCause: null } : {}),
              exitCode: reported.exitCode,
              ...(reported.startedAt ? { startedAt: new Date(reported.startedAt) } : {}),
            }
          : { state: "Pending" },
      });
    }),
  ]);
  if (status?.volume && set.hostId) {
    const data = {
      teamId: set.teamId,
      appId: set.appId,
      hostId: set.hostId,
      sizeGiB: set.diskGiB,
      usedBytes: BigInt(Math.round(status.volume.usedBytes)),
      ...(status.volume.entries !== undefined ? { holdsData: status.volume.entries > 0 } : {}),
      path: volumeKey(setId, set.hostId),
    };
    await db().volume.upsert({ where: { setId }, create: { setId, ...data }, update: data });
  }
  broadcastToTeam(set.teamId, "set:state", {
    setId,
    state,
    containers: (status?.containers ?? []).map((c) => ({ name: c.name, index: c.index, role: c.role, state: c.state })),
  });
  return state;
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

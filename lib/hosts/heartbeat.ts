import { db } from "../db";
import type { TAgentHeartbeat } from "../protocol/events";
import { recordEndpointProbes } from "./endpoints";

/**
 * One agent heartbeat: the host is Ready, or NotReady when its agent says the Docker engine fails
 * or hangs (the agent is connected, so it is never Unreachable then). `statusSince` moves only when
 * the status does: the reconciler moves a NotReady host's sets after the reschedule timeout.
 */
export async function recordHeartbeat(hostId: string, hb: TAgentHeartbeat): Promise<void> {
  const status = hb.engineReady === false ? "NotReady" : "Ready";
  await db().host.updateMany({ where: { id: hostId, status: { not: status } }, data: { status, statusSince: new Date() } });
  await db().host.update({
    where: { id: hostId },
    data: {
      lastSeenAt: new Date(),
      cpuCores: hb.capacity.cpuCores,
      memoryBytes: BigInt(Math.floor(hb.capacity.memoryBytes)),
      diskFreeBytes: BigInt(Math.floor(hb.capacity.diskFreeBytes)),
      volumeFreeBytes: BigInt(Math.floor(hb.capacity.volumeFreeBytes)),
      labels: hb.labels,
      agentVersion: hb.agentVersion,
      // A hung engine reports no version: the last known one stands.
      ...(hb.dockerVersion ? { dockerVersion: hb.dockerVersion } : {}),
      statusReason: hb.statusReason ?? null,
      ...(hb.address ? { address: hb.address } : {}),
      ...(hb.registryPull
        ? { registryPullOk: hb.registryPull.ok, registryPullError: hb.registryPull.error ?? null, registryCheckedAt: new Date(hb.registryPull.checkedAt) }
        : {}),
    },
  });
  if (hb.endpoints) await recordEndpointProbes(hostId, hb.endpoints);
}

/**
 * The agent connected or left: the grace period before Unreachable counts from that moment, not
 * from its last heartbeat (an agent that restarts before its first heartbeat was alive a moment ago).
 */
export async function recordSeen(hostId: string): Promise<void> {
  await db().host.update({ where: { id: hostId }, data: { lastSeenAt: new Date() } });
}

/**
 * Hosts whose agent has been silent past the grace period are shown Unreachable. A connected agent
 * is never silent, however slow its heartbeat (a busy Docker engine delays the capacity it measures):
 * Socket.IO's own ping already proves it is there, so `connectedHostIds` are left alone.
 */
export async function markSilentHostsUnreachable(graceSeconds: number, connectedHostIds: string[]): Promise<number> {
  const cutoff = new Date(Date.now() - graceSeconds * 1000);
  const r = await db().host.updateMany({
    where: { status: { in: ["Ready", "NotReady"] }, id: { notIn: connectedHostIds }, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: cutoff } }] },
    data: { status: "Unreachable", statusSince: new Date() },
  });
  return r.count;
}

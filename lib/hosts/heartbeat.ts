import { db } from "../db";
import { Prisma } from "../generated/prisma/client";
import { settings } from "../env";
import type { TAgentHeartbeat } from "../protocol/events";
import { recordEndpointProbes } from "./endpoints";

/**
 * One agent heartbeat: the host is Ready, or NotReady when its agent says the Docker engine fails
 * or hangs (the agent is connected, so it is never Unreachable then). `statusSince` moves only when
 * the status does: the reconciler moves a NotReady host's sets after the reschedule timeout.
 */
async function writeHostRow(hostId: string, hb: TAgentHeartbeat): Promise<void> {
  const status = hb.engineReady === false ? "NotReady" : "Ready";
  // Timestamps as UTC wall time, as Prisma keeps DateTime in these `timestamp(3)` columns.
  const now = new Date().toISOString();
  const optional = [
    // A hung engine reports no version: the last known one stands.
    hb.dockerVersion ? Prisma.sql`, "dockerVersion" = ${hb.dockerVersion}` : Prisma.empty,
    hb.address ? Prisma.sql`, "address" = ${hb.address}` : Prisma.empty,
    hb.registryPull
      ? Prisma.sql`, "registryPullOk" = ${hb.registryPull.ok}, "registryPullError" = ${hb.registryPull.error ?? null},
                    "registryCheckedAt" = ${new Date(hb.registryPull.checkedAt).toISOString()}::timestamp(3)`
      : Prisma.empty,
  ];
  // One statement (Prisma's update costs twice the CPU of a raw one here): nobody reads the new
  // status without its reason, and `statusSince` moves only when the status does.
  await db().$executeRaw`
    UPDATE "Host" SET
      "statusSince" = CASE WHEN "status" = ${status}::"HostStatus" THEN "statusSince" ELSE ${now}::timestamp(3) END,
      "status" = ${status}::"HostStatus",
      "statusReason" = ${hb.statusReason ?? null},
      "lastSeenAt" = ${now}::timestamp(3),
      "cpuCores" = ${hb.capacity.cpuCores},
      "memoryBytes" = ${BigInt(Math.floor(hb.capacity.memoryBytes))},
      "diskFreeBytes" = ${BigInt(Math.floor(hb.capacity.diskFreeBytes))},
      "volumeFreeBytes" = ${BigInt(Math.floor(hb.capacity.volumeFreeBytes))},
      "labels" = ${JSON.stringify(hb.labels)}::jsonb,
      "agentVersion" = ${hb.agentVersion},
      "updatedAt" = ${now}::timestamp(3)
      ${Prisma.join(optional, "")}
    WHERE "id" = ${hostId}`;
}

/** Free disk moves by a few bytes every heartbeat: only a move past this much is news before the refresh. */
const FREE_BYTES_STEP = 256 * 1024 * 1024;

/** What a heartbeat says apart from the time, with free space in coarse steps. */
function changeKey(hb: TAgentHeartbeat): string {
  const { diskFreeBytes, volumeFreeBytes, ...capacity } = hb.capacity;
  const step = (n: number) => Math.round(n / FREE_BYTES_STEP);
  return JSON.stringify([{ ...hb, capacity, endpoints: undefined }, step(diskFreeBytes), step(volumeFreeBytes)]);
}

/**
 * The heartbeats of one agent connection. A heartbeat that changes nothing but the time is
 * written only once `refreshMs` passed since the last write: a connected agent is never marked
 * silent (its socket proves it alive), so `lastSeenAt` only has to be fresh for the Hosts page and
 * for the moment the console itself stops; a thousand agents every 5 s would otherwise be 200
 * writes a second. Any change of status, labels, versions or capacity (free space in coarse steps) is written at once.
 */
export function heartbeatRecorder(hostId: string, refreshMs: number): (hb: TAgentHeartbeat) => Promise<void> {
  let last: { key: string; at: number } | null = null;
  return async (hb) => {
    const key = changeKey(hb);
    const now = Date.now();
    if (!last || last.key !== key || now - last.at >= refreshMs) {
      await writeHostRow(hostId, hb);
      last = { key, at: now };
    }
    // Written only when a probe's answer changed (see there).
    if (hb.endpoints) await recordEndpointProbes(hostId, hb.endpoints);
  };
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

/** How stale a connected host's `lastSeenAt` may get: a third of the grace period, 1 to 10 s. */
export function heartbeatRefreshMs(): number {
  return Math.min(10_000, Math.max(1000, (settings().BERTH_HOST_GRACE_SECONDS * 1000) / 3));
}

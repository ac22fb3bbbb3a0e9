import { db } from "../db";
import { hostPortsOf } from "../network/plan";
import type { TEndpointProbe } from "../protocol/agent";

/** Last probe results written per host, so an unchanged heartbeat writes nothing. */
const lastWritten = new Map<string, string>();

/**
 * Records an agent's reachability probes on its sets' published ports. Only sets the console
 * placed on that host are touched: an agent speaks for its own host alone.
 */
export async function recordEndpointProbes(hostId: string, probes: TEndpointProbe[]): Promise<void> {
  const signature = probes.map((p) => `${p.setId}:${p.hostPort}:${p.reachable ? 1 : 0}`).sort().join(",");
  if (lastWritten.get(hostId) === signature) return;
  const sets = await db().set.findMany({
    where: { id: { in: [...new Set(probes.map((p) => p.setId))] }, hostId, deletedAt: null },
    select: { id: true, hostPorts: true },
  });
  for (const s of sets) {
    const current = hostPortsOf(s.hostPorts);
    const next = current.map((hp) => {
      const probe = probes.find((p) => p.setId === s.id && p.hostPort === hp.hostPort);
      return probe && hp.protocol === "tcp" ? { ...hp, reachable: probe.reachable } : hp;
    });
    if (next.some((hp, i) => hp.reachable !== current[i].reachable)) {
      await db().set.update({ where: { id: s.id }, data: { hostPorts: next } });
    }
  }
  lastWritten.set(hostId, signature);
}

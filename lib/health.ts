import { isLeader, replicaId } from "./cluster/leader";
import { db } from "./db";
import { settings } from "./env";

export const BERTH_VERSION = "0.1.0";

export async function health() {
  try {
    const [ready, notReady, total] = await Promise.all([
      db().host.count({ where: { status: "Ready", revokedAt: null } }),
      db().host.count({ where: { status: "NotReady", revokedAt: null } }),
      db().host.count({ where: { revokedAt: null } }),
    ]);
    return {
      status: "ok" as const,
      database: "ok" as const,
      agents: { ready, notReady, unreachable: total - ready - notReady, total },
      version: BERTH_VERSION,
      replica: replicaId(),
      leader: isLeader(),
      adapter: adapterKind(),
    };
  } catch (err) {
    console.error("health check: database unreachable", (err as Error).message);
    return {
      status: "degraded" as const,
      database: "down" as const,
      agents: { ready: 0, notReady: 0, unreachable: 0, total: 0 },
      version: BERTH_VERSION,
      replica: replicaId(),
      leader: isLeader(),
      adapter: adapterKind(),
    };
  }
}

/** How replicas reach each other's agents and browsers: Redis, or none (a single replica). */
function adapterKind(): "redis" | "memory" {
  return settings().BERTH_REDIS_URL ? "redis" : "memory";
}

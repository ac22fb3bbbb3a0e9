import { db } from "./db";

export const BERTH_VERSION = "0.1.0";

export async function health() {
  try {
    const [ready, total] = await Promise.all([
      db().host.count({ where: { status: "Ready", revokedAt: null } }),
      db().host.count({ where: { revokedAt: null } }),
    ]);
    return {
      status: "ok" as const,
      database: "ok" as const,
      agents: { ready, unreachable: total - ready, total },
      version: BERTH_VERSION,
    };
  } catch (err) {
    console.error("health check: database unreachable", (err as Error).message);
    return {
      status: "degraded" as const,
      database: "down" as const,
      agents: { ready: 0, unreachable: 0, total: 0 },
      version: BERTH_VERSION,
    };
  }
}

import type { z } from "zod";
import { ZHealth } from "@/lib/protocol/api";
import { waitFor } from "./agent";
import { startConsole, type TConsole } from "./console";

/** A replica's own answer to /api/health: which replica it is, whether it leads, its adapter. */
export async function replicaHealth(c: TConsole): Promise<z.infer<typeof ZHealth>> {
  const res = await fetch(new URL("/api/health", c.url), { signal: AbortSignal.timeout(5000) });
  return ZHealth.parse(await res.json());
}

/**
 * Two console replicas sharing one Redis, one database, one data directory (token key) and one
 * registry, as the README's "Several console replicas" runs them. A holds Postgres and the
 * registry as its children; B owns nothing. `env` goes to both (e.g. the load balancer's BERTH_URL).
 */
export async function startReplicaPair(redisUrl: string, env: Record<string, string> = {}): Promise<{ a: TConsole; b: TConsole }> {
  const a = await startConsole({ env: { BERTH_REPLICA_ID: "replica-a", BERTH_REDIS_URL: redisUrl, ...env } });
  try {
    const b = await startConsole({
      env: {
        BERTH_REPLICA_ID: "replica-b",
        BERTH_REDIS_URL: redisUrl,
        DATABASE_URL: a.databaseUrl,
        BERTH_DATA_DIR: a.dataDir,
        BERTH_REGISTRY_URL: `http://${a.registry}`,
        BERTH_REGISTRY_HOST: a.registry,
        ...env,
      },
    });
    return { a, b };
  } catch (err) {
    await a.stop();
    throw err;
  }
}

/** Waits until exactly one of the two leads; returns [leader, follower]. */
export async function leaderAndFollower(a: TConsole, b: TConsole): Promise<[TConsole, TConsole]> {
  const aLeads = await waitFor("exactly one leader", async () => {
    const [ha, hb] = await Promise.all([replicaHealth(a), replicaHealth(b)]);
    return Number(ha.leader) + Number(hb.leader) === 1 ? { leads: ha.leader } : null;
  }, 20_000, 250);
  return aLeads.leads ? [a, b] : [b, a];
}

import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";

export interface TClusterAdapter {
  adapter: ReturnType<typeof createAdapter>;
  /** Resolves once Redis answers; rejects with why it does not (for the start-up log). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Redis errors repeat on every reconnect attempt: one line per this long is enough. */
const ERROR_LOG_EVERY_MS = 10_000;

/**
 * Socket.IO's Redis adapter: broadcasts, agent calls with acknowledgements and replica-to-replica
 * events between console replicas. ioredis reconnects by itself; while Redis is away, calls to
 * agents held by other replicas time out with UNAVAILABLE and local ones keep working.
 */
export function redisClusterAdapter(url: string): TClusterAdapter {
  const pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const sub = pub.duplicate();
  let lastLogged = 0;
  for (const client of [pub, sub]) {
    client.on("error", (err: Error) => {
      if (Date.now() - lastLogged < ERROR_LOG_EVERY_MS) return;
      lastLogged = Date.now();
      console.warn(`[cluster] Redis at ${redacted(url)}: ${err.message}`);
    });
  }
  return {
    adapter: createAdapter(pub, sub, { key: "berth" }),
    ready: async () => {
      await pub.ping();
    },
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

/** The URL without its password, for logs. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch (err) {
    return `(unparsable Redis URL: ${(err as Error).message})`;
  }
}

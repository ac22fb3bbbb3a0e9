import { RollupAccumulator } from "./rollup";
import { SampleRing } from "./ring";
import { WatchRegistry } from "./watch-registry";

/**
 * The console's in-memory metrics: who watches what, the 15-minute window per container and the
 * open rollup minutes. On globalThis because server.ts (which receives the agents' batches) and
 * Next's route handlers (which answer the history endpoint) load separate copies of this module.
 */
export interface TMetricsState {
  watches: WatchRegistry;
  /** setId → container name → its recent samples. */
  rings: Map<string, Map<string, SampleRing>>;
  rollups: RollupAccumulator;
}

const holder = globalThis as unknown as { berthMetrics?: TMetricsState };

export function metricsState(): TMetricsState {
  holder.berthMetrics ??= { watches: new WatchRegistry(), rings: new Map(), rollups: new RollupAccumulator() };
  return holder.berthMetrics;
}

export function ringFor(setId: string, container: string): SampleRing {
  const rings = metricsState().rings;
  let perSet = rings.get(setId);
  if (!perSet) {
    perSet = new Map();
    rings.set(setId, perSet);
  }
  let ring = perSet.get(container);
  if (!ring) {
    ring = new SampleRing();
    perSet.set(container, ring);
  }
  return ring;
}

/** Drops the windows of containers that sent nothing since `before` (stopped, removed, moved). */
export function forgetIdleRings(before: number): number {
  let dropped = 0;
  for (const [setId, perSet] of metricsState().rings) {
    for (const [name, ring] of perSet) {
      if (ring.newest() < before) {
        perSet.delete(name);
        dropped++;
      }
    }
    if (perSet.size === 0) metricsState().rings.delete(setId);
  }
  return dropped;
}

import { z } from "zod";

/** API.md's live sample of one container (`metrics:sample`); the wire shapes below add to it. */
export const ZContainerSample = z.object({
  name: z.string().max(64),
  cpuPercent: z.number(),
  memoryBytes: z.number(),
  memoryLimitBytes: z.number(),
  netRxBytes: z.number(),
  netTxBytes: z.number(),
  blkReadBytes: z.number(),
  blkWriteBytes: z.number(),
  pids: z.number(),
});
export const ZMetricsSample = z.object({ setId: z.string().max(64), at: z.number(), containers: z.array(ZContainerSample).max(32) });
export type TMetricsSample = z.infer<typeof ZMetricsSample>;

/**
 * Metrics on the wire: agent → console batches, console → agent watch commands, and the history
 * endpoint's answer. The browser's live event (`metrics:sample`) is API.md's shape with a few
 * additive fields.
 */

/**
 * One container in a sample. Counters (net, block IO) are cumulative bytes since the container
 * (or, for the network, the set's infra container) started; `cpuPercent` is percent of one core
 * over the time since the previous reading, so 250 means two and a half cores busy.
 */
export const ZContainerMetrics = ZContainerSample.extend({
  memoryRssBytes: z.number().min(0).optional(),
  memoryCacheBytes: z.number().min(0).optional(),
});
export type TContainerMetrics = z.infer<typeof ZContainerMetrics>;

/**
 * A set's sample. The containers of a set share the infra container's network namespace, so
 * their net counters are the set's; `net` says so once instead of making every reader guess.
 */
export const ZSetMetrics = ZMetricsSample.extend({
  containers: z.array(ZContainerMetrics).max(32),
  net: z.object({ rxBytes: z.number().min(0), txBytes: z.number().min(0) }).optional(),
});
export type TSetMetrics = z.infer<typeof ZSetMetrics>;

/**
 * One message per host per tick. `watch` batches carry only the sets someone watches (1 s ticks);
 * `sweep` batches carry every set on the host (the slow tick).
 */
export const ZMetricsBatch = z.object({
  at: z.number(),
  kind: z.enum(["watch", "sweep"]),
  sets: z.array(ZSetMetrics).max(10_000),
});
export type TMetricsBatch = z.infer<typeof ZMetricsBatch>;

/** Console → agent: start or stop 1 s sampling of these sets. */
export const ZMetricsWatch = z.strictObject({
  setIds: z.array(z.string().min(1).max(64)).max(10_000),
  /** Which console replica watches: the agent stops a set's samples when no replica wants them. */
  watcher: z.string().min(1).max(100).optional(),
});
export type TMetricsWatch = z.infer<typeof ZMetricsWatch>;

export const METRICS_RANGES = ["15m", "1h", "24h", "7d"] as const;
export const ZMetricsRange = z.enum(METRICS_RANGES);
export type TMetricsRange = z.infer<typeof ZMetricsRange>;

export const ZMetricsQuery = z.strictObject({ range: ZMetricsRange.default("15m") });

/** A point of history: rates per second, memory in bytes; averages over the step. */
export const ZMetricsPoint = z.object({
  at: z.number().describe("start of the step, ms since the epoch"),
  cpuPercent: z.number(),
  cpuMaxPercent: z.number(),
  memoryBytes: z.number(),
  memoryMaxBytes: z.number(),
  memoryLimitBytes: z.number(),
  netRxBytesPerSec: z.number(),
  netTxBytesPerSec: z.number(),
  blkReadBytesPerSec: z.number(),
  blkWriteBytesPerSec: z.number(),
  pids: z.number(),
});
export type TMetricsPoint = z.infer<typeof ZMetricsPoint>;

export const ZMetricsHistory = z.object({
  setId: z.string(),
  range: ZMetricsRange,
  stepSeconds: z.number(),
  source: z.enum(["memory", "rollup"]).describe("memory: the console's 1 s window; rollup: per-minute rows in Postgres"),
  containers: z.array(z.object({ name: z.string(), points: z.array(ZMetricsPoint) })),
});
export type TMetricsHistory = z.infer<typeof ZMetricsHistory>;

/** Socket.IO room of one set's live samples. */
export function metricsRoom(setId: string): string {
  return `metrics:${setId}`;
}

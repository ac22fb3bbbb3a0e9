import { z } from "zod";

/**
 * Metrics settings of the agent, read apart from agent/config.ts so this feature stays in its
 * own files. The Prometheus port is the only listening port the agent may open; it binds to
 * loopback unless told otherwise, because its labels name sets and teams.
 */
const ZMetricsSettings = z.object({
  BERTH_AGENT_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  BERTH_AGENT_METRICS_BIND: z.string().default("127.0.0.1"),
  /** Tick of watched sets (someone has the set page open). */
  BERTH_METRICS_WATCH_MS: z.coerce.number().int().min(200).max(60_000).default(1000),
  /** Tick of every set on the host, for rollups and Prometheus. */
  BERTH_METRICS_SWEEP_SECONDS: z.coerce.number().min(1).max(3600).default(15),
  /** Safety net for missed Docker events: the container list is re-read this often. */
  BERTH_METRICS_INVENTORY_SECONDS: z.coerce.number().min(1).max(3600).default(30),
});
export type TMetricsSettings = z.infer<typeof ZMetricsSettings>;

export function metricsSettings(env: Record<string, string | undefined> = process.env): TMetricsSettings {
  const parsed = ZMetricsSettings.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid agent metrics settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

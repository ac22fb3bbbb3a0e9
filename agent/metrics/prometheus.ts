import { createServer, type Server } from "node:http";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { MetricsCollector } from "./collector";

export interface TPromServer {
  close(): void;
}

const CONTAINER_LABELS = ["set", "team", "container"] as const;
const SET_LABELS = ["set", "team"] as const;

/**
 * Registers the container metrics on `registry`. Values are not pushed: each scrape asks the
 * collector for its latest readings (at most one sweep old), so stopped containers disappear
 * from the output instead of lingering as stale series.
 */
export function registerContainerMetrics(registry: Registry, collector: MetricsCollector): void {
  const gauge = (name: string, help: string, pick: (c: ReturnType<MetricsCollector["snapshot"]>["containers"][number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: CONTAINER_LABELS,
      registers: [registry],
      collect() {
        this.reset();
        for (const c of collector.snapshot().containers) {
          const v = pick(c);
          if (Number.isFinite(v)) this.set({ set: c.setId, team: c.teamId, container: c.name }, v);
        }
      },
    });
  const counter = (name: string, help: string, pick: (c: ReturnType<MetricsCollector["snapshot"]>["containers"][number]) => number) =>
    new Counter({
      name,
      help,
      labelNames: CONTAINER_LABELS,
      registers: [registry],
      collect() {
        this.reset();
        for (const c of collector.snapshot().containers) this.inc({ set: c.setId, team: c.teamId, container: c.name }, Math.max(0, pick(c)));
      },
    });
  const setCounter = (name: string, help: string, pick: (s: { rx: number; tx: number }) => number) =>
    new Counter({
      name,
      help,
      labelNames: SET_LABELS,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of collector.snapshot().sets) this.inc({ set: s.setId, team: s.teamId }, Math.max(0, pick(s)));
      },
    });

  counter("berth_container_cpu_usage_seconds_total", "CPU time used by the container (cgroup cpuacct / cpu.stat)", (c) => c.raw.cpuNs / 1e9);
  gauge("berth_container_cpu_percent", "CPU use over the last reading interval, percent of one core", (c) => c.cpuPercent);
  gauge("berth_container_memory_usage_bytes", "Memory charged to the container's cgroup, page cache included", (c) => c.raw.memoryBytes);
  gauge("berth_container_memory_limit_bytes", "The container's memory limit", (c) => c.raw.memoryLimitBytes);
  gauge("berth_container_memory_rss_bytes", "Anonymous memory (rss) of the container", (c) => c.raw.stat?.rss ?? NaN);
  gauge("berth_container_memory_cache_bytes", "Page cache charged to the container", (c) => c.raw.stat?.cache ?? NaN);
  counter("berth_container_blkio_read_bytes_total", "Bytes read from block devices", (c) => c.raw.blkRead);
  counter("berth_container_blkio_write_bytes_total", "Bytes written to block devices", (c) => c.raw.blkWrite);
  gauge("berth_container_pids", "Processes and threads in the container", (c) => c.raw.pids);
  setCounter("berth_set_network_receive_bytes_total", "Bytes received by the set's network namespace (loopback excluded)", (s) => s.rx);
  setCounter("berth_set_network_transmit_bytes_total", "Bytes sent by the set's network namespace (loopback excluded)", (s) => s.tx);
}

/** The agent's optional `/metrics` endpoint (BERTH_AGENT_METRICS_PORT): its only listening port. */
export async function startAgentPrometheus(port: number, bind: string, collector: MetricsCollector): Promise<TPromServer> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "berth_agent_" });
  registerContainerMetrics(registry, collector);
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (err: unknown) => {
        console.error("[agent metrics] exposition failed", err);
        res.writeHead(500, { "content-type": "text/plain" }).end("exposition failed\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, bind, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { firingByRuleAndTeam } from "../alerts/metrics";
import { localAgentHostIds } from "../realtime/agents";
import { metricsState } from "./state";

/**
 * The console's Prometheus registry (served at /api/metrics). One per process on globalThis:
 * server.ts counts what arrives over the sockets and Next's route handler serves it, and the two
 * load separate copies of this module. No tenant names in labels (this is about the console), but
 * for berth_alerts_firing: teams' alerts are what Prometheus users route on.
 */
export interface TConsoleProm {
  registry: Registry;
  batches: Counter<"kind">;
  samples: Counter;
  dropped: Counter<"reason">;
  /** Agent reports about sets their host does not hold, by kind: dropped, counted, not audited one by one. */
  foreignReports: Counter<"kind">;
  /** Agent inventories reconciled, by outcome (ok, failed). */
  inventories: Counter<"outcome">;
  rowsWritten: Counter;
  rowsPruned: Counter;
  flushSeconds: Histogram;
}

const holder = globalThis as unknown as { berthProm?: TConsoleProm };

function create(): TConsoleProm {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "berth_console_" });
  const registers = [registry];
  new Gauge({
    name: "berth_console_metrics_watched_sets",
    help: "Sets the agents are asked to sample every second (one watch per set, however many viewers)",
    registers,
    collect() {
      this.set(metricsState().watches.watchedSets);
    },
  });
  new Gauge({
    name: "berth_console_metrics_subscriptions",
    help: "Socket subscriptions to live set metrics",
    registers,
    collect() {
      this.set(metricsState().watches.subscriptions);
    },
  });
  new Gauge({
    name: "berth_console_metrics_window_sets",
    help: "Sets with samples in the in-memory 15-minute window",
    registers,
    collect() {
      this.set(metricsState().rings.size);
    },
  });
  new Gauge({
    name: "berth_console_agents_connected",
    help: "Agents connected to this console",
    registers,
    collect() {
      this.set(localAgentHostIds().length);
    },
  });
  new Gauge({
    name: "berth_alerts_firing",
    help: "Alerts firing now, by rule and team slug (no team label: platform alerts); read from the database, so every replica answers the same",
    labelNames: ["rule", "team"],
    registers,
    async collect() {
      this.reset();
      for (const r of await firingByRuleAndTeam()) this.set({ rule: r.rule, team: r.team }, r.count);
    },
  });
  return {
    registry,
    batches: new Counter({ name: "berth_console_metrics_batches_received_total", help: "metrics:batch messages from agents, by kind (watch: 1 s ticks; sweep: every set)", labelNames: ["kind"], registers }),
    samples: new Counter({ name: "berth_console_metrics_samples_received_total", help: "Set samples accepted from agents", registers }),
    dropped: new Counter({ name: "berth_console_metrics_samples_dropped_total", help: "Set samples refused, by reason", labelNames: ["reason"], registers }),
    foreignReports: new Counter({
      name: "berth_console_agent_foreign_reports_total",
      help: "Agent reports about sets their host does not hold (container events, recycle-bin entries, sets to adopt), dropped",
      labelNames: ["kind"],
      registers,
    }),
    inventories: new Counter({
      name: "berth_console_agent_inventories_reconciled_total",
      help: "Agent inventories (sent on every connect) reconciled against the books, by outcome",
      labelNames: ["outcome"],
      registers,
    }),
    rowsWritten: new Counter({ name: "berth_console_metrics_rollup_rows_written_total", help: "Per-minute rollup rows upserted into Postgres", registers }),
    rowsPruned: new Counter({ name: "berth_console_metrics_rollup_rows_pruned_total", help: "Rollup rows deleted past the retention", registers }),
    flushSeconds: new Histogram({ name: "berth_console_metrics_flush_seconds", help: "Time to upsert one round of rollups", registers, buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] }),
  };
}

export function consoleProm(): TConsoleProm {
  holder.berthProm ??= create();
  return holder.berthProm;
}

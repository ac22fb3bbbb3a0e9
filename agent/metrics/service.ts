import fs from "node:fs";
import type { Socket } from "socket.io-client";
import type { DockerEngine } from "../docker/engine";
import { LABEL } from "../../lib/protocol/agent";
import { handlersOf } from "../../lib/protocol/ack";
import type { TAgentClientToServer, TAgentServerToClient } from "../../lib/protocol/events";
import { ZMetricsWatch, type TMetricsBatch } from "../../lib/protocol/metrics";
import { MetricsCollector } from "./collector";
import { metricsSettings, type TMetricsSettings } from "./config";
import { parseMountinfo, type TCgroupLayout } from "./parse";
import type { TPromServer } from "./prometheus";

/** The watcher of a console that does not name itself (a single replica, an older console). */
const DEFAULT_WATCHER = "console";

type TAgentSocket = Socket<TAgentServerToClient, TAgentClientToServer>;

/**
 * The console refuses messages over 1 MB (Socket.IO maxHttpBufferSize) and drops the connection;
 * a container is about 250 bytes of JSON, so a host past a few thousand containers sends its tick
 * in several messages instead of one.
 */
export const MAX_CONTAINERS_PER_MESSAGE = 2000;

export function chunks(sets: TMetricsBatch["sets"], max = MAX_CONTAINERS_PER_MESSAGE): Array<TMetricsBatch["sets"]> {
  const out: Array<TMetricsBatch["sets"]> = [];
  let current: TMetricsBatch["sets"] = [];
  let count = 0;
  for (const s of sets) {
    if (current.length > 0 && count + s.containers.length > max) {
      out.push(current);
      current = [];
      count = 0;
    }
    current.push(s);
    count += s.containers.length;
  }
  if (current.length) out.push(current);
  return out.length === 1 ? [sets] : out;
}

export function hostCgroupLayout(mountinfo = "/proc/self/mountinfo"): TCgroupLayout {
  return parseMountinfo(fs.readFileSync(mountinfo, "utf8"));
}

/**
 * The agent's metrics loop. Every tick (1 s) it reads the sets the console asked to watch; every
 * sweep (15 s) it reads every set on the host. Each tick sends at most one `metrics:batch`, so
 * the console gets one message per host per tick whatever the number of containers. Watches live
 * as long as the connection: on disconnect they are dropped and the console sends them again on
 * reconnect, so a console restart cannot leave a host sampling at 1 s for nobody.
 */
export class MetricsService {
  readonly collector: MetricsCollector;
  private readonly settings: TMetricsSettings;
  /** Watched sets and who watches each: every console replica counts its own viewers. */
  private readonly watched = new Map<string, Set<string>>();
  private socket?: TAgentSocket;
  private tickTimer?: NodeJS.Timeout;
  private inventoryTimer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private lastSweep = 0;
  private prom: TPromServer | null = null;
  private closed = false;

  constructor(
    private readonly engine: DockerEngine,
    private readonly hostId: string,
    settings: Partial<TMetricsSettings> = {},
    layout: TCgroupLayout = hostCgroupLayout(),
  ) {
    this.settings = { ...metricsSettings(), ...settings };
    this.collector = new MetricsCollector(layout);
  }

  private log(m: string): void {
    console.log(`[agent metrics] ${m}`);
  }

  async start(): Promise<void> {
    await this.refresh();
    this.tickTimer = setInterval(() => this.safeTick(), this.settings.BERTH_METRICS_WATCH_MS);
    this.inventoryTimer = setInterval(() => this.invalidate(0), this.settings.BERTH_METRICS_INVENTORY_SECONDS * 1000);
    if (this.settings.BERTH_AGENT_METRICS_PORT) {
      // Loaded only when asked for: prom-client costs every other agent ~10 MB of memory.
      const { startAgentPrometheus } = await import("./prometheus");
      this.prom = await startAgentPrometheus(this.settings.BERTH_AGENT_METRICS_PORT, this.settings.BERTH_AGENT_METRICS_BIND, this.collector);
      this.log(`Prometheus metrics on http://${this.settings.BERTH_AGENT_METRICS_BIND}:${this.settings.BERTH_AGENT_METRICS_PORT}/metrics`);
    }
  }

  /** Wires the console's watch commands on a (new) socket; called on every connect. */
  attach(socket: TAgentSocket): void {
    this.socket = socket;
    this.watched.clear();
    socket.on("disconnect", () => {
      if (this.socket === socket) this.watched.clear();
    });
    const on = handlersOf<TAgentServerToClient>(socket);
    on.command("metrics:watch", ZMetricsWatch, (req) => {
      const watcher = req.watcher ?? DEFAULT_WATCHER;
      const fresh = req.setIds.filter((id) => !this.watched.has(id));
      for (const id of req.setIds) this.watched.set(id, (this.watched.get(id) ?? new Set()).add(watcher));
      // A watcher wants numbers now, not at the next tick; an unknown set may be a brand-new one.
      if (fresh.length > 0) {
        const first = fresh.every((id) => this.collector.has(id)) ? Promise.resolve() : this.refresh();
        first
          .then(() => this.send(this.collector.sample(fresh, Date.now(), false), "watch"))
          .catch((err: unknown) => this.log(`first sample of a watch failed: ${(err as Error).message}`));
      }
      return { watching: this.watched.size };
    });
    on.command("metrics:unwatch", ZMetricsWatch, (req) => {
      const watcher = req.watcher ?? DEFAULT_WATCHER;
      for (const id of req.setIds) {
        const watchers = this.watched.get(id);
        watchers?.delete(watcher);
        if (watchers?.size === 0) this.watched.delete(id);
      }
      return { watching: this.watched.size };
    });
  }

  watchedSetIds(): string[] {
    return [...this.watched.keys()];
  }

  /** Containers started, stopped or removed: re-read Docker's list soon (debounced). */
  invalidate(delayMs = 250): void {
    if (this.closed) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), delayMs);
  }

  /** One list call; concurrent requests collapse into one more run after the current one. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          this.collector.sync(await this.engine.listByLabels({ [LABEL.host]: this.hostId }));
        } catch (err) {
          this.log(`container list failed: ${(err as Error).message}`);
        }
      } while (this.refreshAgain && !this.closed);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private safeTick(): void {
    try {
      this.tick();
    } catch (err) {
      this.log(`tick failed: ${(err as Error).message}`);
    }
  }

  /** One tick: a sweep of everything when due, else the watched sets. Returns what was sent. */
  tick(now = Date.now()): TMetricsBatch | null {
    if (this.collector.stale) this.invalidate(0);
    const connected = this.socket?.connected === true;
    const sweepDue = now - this.lastSweep >= this.settings.BERTH_METRICS_SWEEP_SECONDS * 1000 - 50;
    // With no console and no Prometheus there is nobody to read for.
    if (!connected && !this.prom) return null;
    if (sweepDue) {
      this.lastSweep = now;
      return this.send(this.collector.sample(this.collector.setIds(), now, true), "sweep");
    }
    if (!connected || this.watched.size === 0) return null;
    return this.send(this.collector.sample(this.watched.keys(), now, false), "watch");
  }

  private send(sets: TMetricsBatch["sets"], kind: TMetricsBatch["kind"]): TMetricsBatch | null {
    if (sets.length === 0) return null;
    const batch: TMetricsBatch = { at: Date.now(), kind, sets };
    // Only while connected: socket.io-client would otherwise buffer every tick until reconnect.
    if (this.socket?.connected) {
      for (const part of chunks(sets)) this.socket.emit("metrics:batch", part === sets ? batch : { ...batch, sets: part });
    }
    return batch;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.tickTimer);
    clearInterval(this.inventoryTimer);
    clearTimeout(this.refreshTimer);
    this.prom?.close();
    this.collector.close();
  }
}

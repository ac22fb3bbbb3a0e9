/**
 * A simulated Berth agent for benches: the real /agent protocol (handshake with the host
 * credential, hello, heartbeats, inventory, metrics sweeps and watches, disk usage, container
 * events, an answer of the real shape to every command) over its own Socket.IO connection, with
 * no Docker behind it (bench/sim-host.ts keeps the sets). Many share one process: periodic
 * messages start at random phases so a fleet's do not fire in the same millisecond.
 */
import { io, type Socket } from "socket.io-client";
import { AGENT_VERSION } from "../agent/config";
import { handlersOf } from "../lib/protocol/ack";
import { ZSetAction, ZSetApply, ZVolumePurge, ZVolumeReceive, ZVolumeRestore, ZVolumeSend, type TInventory } from "../lib/protocol/agent";
import { PROTOCOL_VERSION, ZAgentUpgrade, ZImagePull, ZSetRef, type TAgentClientToServer, type TAgentHeartbeat, type TAgentServerToClient } from "../lib/protocol/events";
import { ZMetricsWatch, type TMetricsBatch, type TMetricsWatch } from "../lib/protocol/metrics";
import { ZExecOpen, ZLogsOpen } from "../lib/protocol/streams";
import { SIM_CAPACITY, SIM_DOCKER_VERSION, SimError, SimSets, type TSimChange, type TSimHost } from "./sim-host";

type TSimSocket = Socket<TAgentServerToClient, TAgentClientToServer>;

export interface TSimOptions {
  heartbeatMs: number;
  sweepMs: number;
  diskScanMs: number;
  /** How long a simulated set command takes (Docker's own time), 0 for none. */
  actionDelayMs: number;
}

/** Counters shared by every agent of a fleet. */
export interface TFleetStats {
  /** Heartbeat round trips are kept only while this is true (the measured window). */
  recording: boolean;
  heartbeatLagMs: number[];
  heartbeats: number;
  heartbeatErrors: number;
  /** Events received from the console, by name. */
  commands: Record<string, number>;
  inventoryErrors: number;
  disconnects: number;
  connectErrors: number;
  sweeps: number;
  containerEvents: number;
}

export function newFleetStats(): TFleetStats {
  return { recording: false, heartbeatLagMs: [], heartbeats: 0, heartbeatErrors: 0, commands: {}, inventoryErrors: 0, disconnects: 0, connectErrors: 0, sweeps: 0, containerEvents: 0 };
}

/** How long a heartbeat may wait for its answer; one that times out counts as this much lag. */
export const HEARTBEAT_TIMEOUT_MS = 30_000;
const INVENTORY_TIMEOUT_MS = 120_000;
/** From the first attempt to the console's acknowledgement of the first inventory. */
const CONNECT_TIMEOUT_MS = 180_000;
const WATCH_TICK_MS = 1000;
/** The watcher of a console that does not name itself (agent/metrics/service.ts). */
const DEFAULT_WATCHER = "console";

function unsupported(what: string): never {
  throw new SimError("UNSUPPORTED", `${what}: not simulated (bench agent without Docker)`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SimAgent {
  private socket?: TSimSocket;
  private readonly sets: SimSets;
  /** Watched sets and the console replicas watching each (as agent/metrics/service.ts keeps them). */
  private readonly watched = new Map<string, Set<string>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private timers: NodeJS.Timeout[] = [];
  private watchTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectAttempts = 0;
  private stopped = false;

  constructor(
    private readonly consoleUrl: string,
    readonly host: TSimHost,
    private readonly stats: TFleetStats,
    private readonly opts: TSimOptions,
  ) {
    this.sets = new SimSets(host);
  }

  /** Connects; resolves once the console has acknowledged the first inventory. */
  connect(): Promise<void> {
    const socket: TSimSocket = io(new URL("/agent", this.consoleUrl).toString(), {
      path: "/socket.io",
      transports: ["websocket"],
      auth: { protocolVersion: PROTOCOL_VERSION, credential: this.host.credential },
      // One connection per agent, as with separate hosts (socket.io-client would otherwise share a Manager).
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
    });
    this.socket = socket;
    this.attachCommands(socket);
    return new Promise<void>((resolve, reject) => {
      let first = true;
      const settle = (err: Error | null) => {
        if (!first) return;
        first = false;
        clearTimeout(deadline);
        if (err) reject(err);
        else resolve();
      };
      const deadline = setTimeout(() => settle(new Error(`host ${this.host.name}: not connected within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      socket.on("connect", () => {
        this.reconnectAttempts = 0;
        // As agent/agent.ts on every (re)connect: heartbeat, inventory, then a disk scan.
        void this.sendHeartbeat();
        this.sendInventory().then(
          () => {
            this.sendDisk();
            settle(null);
          },
          (err: unknown) => {
            this.stats.inventoryErrors++;
            settle(new Error(`host ${this.host.name}: inventory not acknowledged: ${(err as Error).message}`));
          },
        );
        this.startTimers();
      });
      socket.on("disconnect", () => {
        this.clearTimers();
        this.stopWatching();
        if (!this.stopped) this.stats.disconnects++;
      });
      socket.on("connect_error", (err) => {
        this.stats.connectErrors++;
        // A refused handshake is not retried by socket.io itself; the real agent backs off and retries.
        if (socket.active || this.stopped) return;
        if (first && this.reconnectAttempts >= 5) return settle(new Error(`host ${this.host.name}: console refused the connection: ${err.message}`));
        const delay = Math.min(30_000, 500 * 2 ** this.reconnectAttempts++) * (0.5 + Math.random());
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = setTimeout(() => socket.connect(), delay);
      });
    });
  }

  close(): void {
    this.stopped = true;
    this.clearTimers();
    this.stopWatching();
    clearTimeout(this.reconnectTimer);
    this.socket?.close();
  }

  private attachCommands(socket: TSimSocket): void {
    socket.onAny((event: string) => {
      this.stats.commands[event] = (this.stats.commands[event] ?? 0) + 1;
    });
    // The real agent sends a heartbeat again once it has the infra image hello names.
    socket.on("hello", () => void this.sendHeartbeat());
    const on = handlersOf<TAgentServerToClient>(socket);
    on.command("set:apply", ZSetApply, (req) => this.serial(req.spec.setId, () => this.sets.apply(req.spec)));
    on.command("set:action", ZSetAction, (req) => this.serial(req.setId, () => this.sets.action(req)));
    on.command("set:status", ZSetRef, (req) => this.sets.status(req.setId));
    on.query("inventory:get", (): TInventory => ({ sets: this.sets.inventory(), trash: [] }));
    // Every image is "already here": nothing to pull.
    on.command("image:pull", ZImagePull, () => ({ started: 0 }));
    on.command("metrics:watch", ZMetricsWatch, (req) => this.watch(req));
    on.command("metrics:unwatch", ZMetricsWatch, (req) => this.unwatch(req));
    on.command("volume:restore", ZVolumeRestore, () => unsupported("volume:restore"));
    on.command("volume:purge", ZVolumePurge, () => null);
    on.command("volume:send", ZVolumeSend, () => unsupported("volume:send"));
    on.command("volume:receive", ZVolumeReceive, () => unsupported("volume:receive"));
    on.command("agent:upgrade", ZAgentUpgrade, () => unsupported("agent:upgrade"));
    on.command("exec:open", ZExecOpen, () => unsupported("exec:open"));
    on.command("logs:open", ZLogsOpen, () => unsupported("logs:open"));
  }

  /**
   * One command at a time per set, as SetManager runs them (a failure does not block the next).
   * Docker's events and a trashed volume go out after the answer: they come from Docker's event
   * stream, not from the command.
   */
  private serial<T>(setId: string, change: () => TSimChange<T>): Promise<T> {
    const work = async () => {
      if (this.opts.actionDelayMs > 0) await sleep(this.opts.actionDelayMs);
      const c = change();
      setImmediate(() => this.emitChange(c));
      return c.result;
    };
    const previous = this.queues.get(setId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.queues.set(setId, next);
    const forget = () => {
      if (this.queues.get(setId) === next) this.queues.delete(setId);
    };
    next.then(forget, forget);
    return next;
  }

  private emitChange<T>(c: TSimChange<T>): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    for (const e of c.events) socket.emit("container:event", e);
    this.stats.containerEvents += c.events.length;
    if (c.trashed) socket.emit("volume:trashed", c.trashed);
  }

  /** Each at a random phase of its period, so a fleet's messages spread over the period. */
  private startTimers(): void {
    this.clearTimers();
    const every = (ms: number, fn: () => void) => {
      this.timers.push(
        setTimeout(() => {
          fn();
          this.timers.push(setInterval(fn, ms));
        }, Math.random() * ms),
      );
    };
    every(this.opts.heartbeatMs, () => void this.sendHeartbeat());
    every(this.opts.sweepMs, () => {
      this.stats.sweeps++;
      this.sendMetrics(this.sets.ids(), "sweep");
    });
    every(this.opts.diskScanMs, () => this.sendDisk());
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private heartbeatPayload(): TAgentHeartbeat {
    return {
      capacity: { ...SIM_CAPACITY },
      labels: { zone: this.host.zone, cgroup: "v2/systemd" },
      agentVersion: AGENT_VERSION,
      dockerVersion: SIM_DOCKER_VERSION,
      engineReady: true,
      statusReason: null,
      address: "127.0.0.1",
      // No published ports: the real agent probes none and sends an empty list.
      endpoints: [],
    };
  }

  private async sendHeartbeat(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) return;
    this.stats.heartbeats++;
    const t0 = performance.now();
    let lag: number;
    try {
      const ack = await socket.timeout(HEARTBEAT_TIMEOUT_MS).emitWithAck("heartbeat", this.heartbeatPayload());
      lag = performance.now() - t0;
      if (!ack.ok) this.stats.heartbeatErrors++;
    } catch (err) {
      // emitWithAck rejects only when the timeout passed: counted, and as a lag of the whole timeout.
      if (!(err instanceof Error)) throw err;
      this.stats.heartbeatErrors++;
      lag = HEARTBEAT_TIMEOUT_MS;
    }
    if (this.stats.recording) this.stats.heartbeatLagMs.push(lag);
  }

  private async sendInventory(): Promise<void> {
    const socket = this.socket;
    if (!socket) throw new Error("not connected");
    const ack = await socket.timeout(INVENTORY_TIMEOUT_MS).emitWithAck("inventory", { sets: this.sets.inventory(), trash: [] } satisfies TInventory);
    if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  }

  private watch(req: TMetricsWatch): { watching: number } {
    const watcher = req.watcher ?? DEFAULT_WATCHER;
    const fresh = req.setIds.filter((id) => !this.watched.has(id));
    for (const id of req.setIds) this.watched.set(id, (this.watched.get(id) ?? new Set()).add(watcher));
    // A watcher wants numbers now, not at the next tick.
    if (fresh.length > 0) setImmediate(() => this.sendMetrics(fresh, "watch"));
    if (this.watched.size > 0 && !this.watchTimer) {
      this.watchTimer = setInterval(() => this.sendMetrics(this.watched.keys(), "watch"), WATCH_TICK_MS);
    }
    return { watching: this.watched.size };
  }

  private unwatch(req: TMetricsWatch): { watching: number } {
    const watcher = req.watcher ?? DEFAULT_WATCHER;
    for (const id of req.setIds) {
      const watchers = this.watched.get(id);
      watchers?.delete(watcher);
      if (watchers?.size === 0) this.watched.delete(id);
    }
    if (this.watched.size === 0) this.stopWatching();
    return { watching: this.watched.size };
  }

  /** Watches live as long as the connection (the console sends them again on reconnect). */
  private stopWatching(): void {
    this.watched.clear();
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
  }

  private sendMetrics(setIds: Iterable<string>, kind: TMetricsBatch["kind"]): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    const at = Date.now();
    const sets = this.sets.metrics(setIds, at);
    if (sets.length > 0) socket.emit("metrics:batch", { at, kind, sets } satisfies TMetricsBatch);
  }

  private sendDisk(): void {
    if (this.socket?.connected) this.socket.emit("disk:usage", this.sets.diskUsage());
  }
}

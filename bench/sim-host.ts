/**
 * The Docker side of a simulated agent (bench/sim-agent.ts): a host's sets in memory, changed by
 * apply and stop/start/restart/remove as SetManager changes real containers, and read back in the
 * shapes the real agent reports (inventory, status, metrics samples, disk usage). Each change
 * also returns the container events Docker would have sent for it.
 */
import { createHash } from "node:crypto";
import { ACK_EXPOSED, type TAgentErrorCode } from "../lib/protocol/ack";
import { volumeKey, type TContainerEvent, type TContainerStatus, type TDiskUsage, type TSetAction, type TSetSpec, type TSetStatus, type TTrashEntry } from "../lib/protocol/agent";
import type { TContainerMetrics, TSetMetrics } from "../lib/protocol/metrics";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** What every simulated host reports, and what the bench seeds its host rows with. */
export const SIM_CAPACITY = { cpuCores: 64, memoryBytes: 256 * GIB, diskFreeBytes: 2000 * GIB, volumeFreeBytes: 2000 * GIB } as const;
export const SIM_DOCKER_VERSION = "27.5.1";
const INFRA_IMAGE = "berth/infra:sim";

export interface TSimContainer {
  role: "infra" | "app";
  /** -1 for the infra container, as the real agent labels it. */
  index: number;
  name: string;
  dockerId: string;
  image: string;
  specVersion: number;
  memoryLimitBytes: number;
  running: boolean;
  exitCode: number | null;
  startedAt: string | null;
}

export interface TSimSet {
  setId: string;
  teamId: string;
  appId: string;
  ip: string | null;
  diskGiB: number;
  containers: TSimContainer[];
}

export interface TSimHost {
  hostId: string;
  name: string;
  zone: string;
  credential: string;
  sets: TSimSet[];
}

/** What a command did: its answer, then what Docker and the agent send on their own. */
export interface TSimChange<T> {
  result: T;
  events: TContainerEvent[];
  trashed: TTrashEntry | null;
}

/** A container id as Docker prints it (64 hex), the same for the seed and the agent. */
export function dockerIdOf(setId: string, index: number): string {
  return createHash("sha256").update(`${setId}/${index}`).digest("hex");
}

/** A refusal the console may read (code and message), as the real agent's SetError. */
export class SimError extends Error {
  readonly [ACK_EXPOSED] = true as const;
  constructor(
    readonly code: TAgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class SimSets {
  private readonly sets = new Map<string, TSimSet>();
  private readonly bootAt = Date.now();

  constructor(private readonly host: TSimHost) {
    for (const s of host.sets) this.sets.set(s.setId, s);
  }

  ids(): string[] {
    return [...this.sets.keys()];
  }

  /** Like SetManager.inventory: from labels alone, so no exit codes, start times or volumes. */
  inventory(): TSetStatus[] {
    return [...this.sets.values()].map((s) => ({
      setId: s.setId,
      teamId: s.teamId,
      appId: s.appId,
      ip: s.ip,
      containers: s.containers.map((c) => ({ ...containerStatus(c), exitCode: null, startedAt: null })),
    }));
  }

  /** Like SetManager.status: inspected containers and the mounted volume's usage; null for a set not here. */
  status(setId: string): TSetStatus | null {
    const s = this.sets.get(setId);
    if (!s) return null;
    return {
      setId: s.setId,
      teamId: s.teamId,
      appId: s.appId,
      ip: s.ip,
      containers: s.containers.map(containerStatus).sort((a, b) => a.index - b.index),
      volume: s.diskGiB > 0 ? { usedBytes: 2 * MIB, sizeBytes: s.diskGiB * GIB, entries: 0 } : null,
    };
  }

  apply(spec: TSetSpec): TSimChange<TSetStatus> {
    if (spec.hostId !== this.host.hostId) throw new SimError("WRONG_HOST", `Set ${spec.setId} is assigned to another host`);
    const old = this.sets.get(spec.setId);
    const now = new Date().toISOString();
    const keep = (role: "infra" | "app", index: number, name: string, image: string, memoryLimitBytes: number): TSimContainer => {
      const was = old?.containers.find((c) => c.role === role && c.index === index && c.name === name);
      return {
        role, index, name, image, memoryLimitBytes, specVersion: spec.specVersion,
        dockerId: was?.dockerId ?? dockerIdOf(spec.setId, index),
        running: true, exitCode: null, startedAt: was?.running ? was.startedAt : now,
      };
    };
    const set: TSimSet = {
      setId: spec.setId,
      teamId: spec.teamId,
      appId: spec.appId,
      ip: spec.network?.ip ?? old?.ip ?? null,
      diskGiB: spec.diskGiB,
      containers: [
        keep("infra", -1, "infra", INFRA_IMAGE, 16 * MIB),
        ...spec.containers.map((c) => keep("app", c.index, c.name, c.image, Math.floor((spec.memoryMiB * c.memoryPercent) / 100) * MIB)),
      ],
    };
    const started = set.containers.filter((c) => !old?.containers.some((o) => o.dockerId === c.dockerId && o.running));
    this.sets.set(spec.setId, set);
    return { result: this.status(spec.setId) ?? unreachable(spec.setId), events: events(set, started, ["start"]), trashed: null };
  }

  action(a: TSetAction): TSimChange<TSetStatus | null> {
    const set = this.sets.get(a.setId);
    if (a.action === "remove") {
      if (!set) return { result: null, events: [], trashed: null };
      this.sets.delete(a.setId);
      const order = [...set.containers.filter((c) => c.role === "app").reverse(), ...set.containers.filter((c) => c.role === "infra")];
      const trashed: TTrashEntry | null =
        set.diskGiB > 0
          ? { key: `${volumeKey(set.setId, this.host.hostId)}-${Date.now().toString(36)}`, setId: set.setId, appId: set.appId, teamId: set.teamId, sizeGiB: set.diskGiB, trashedAt: new Date().toISOString() }
          : null;
      return { result: null, events: [...events(set, order.filter((c) => c.running), ["die"]), ...events(set, order, ["destroy"])], trashed };
    }
    if (!set) throw new SimError("NOT_FOUND", `Set ${a.setId} has no containers on this host`);
    const apps = set.containers.filter((c) => c.role === "app").sort((x, y) => x.index - y.index);
    const infra = set.containers.filter((c) => c.role === "infra");
    const sent: TContainerEvent[] = [];
    if (a.action === "stop" || a.action === "restart") {
      const stopping = [...[...apps].reverse(), ...infra].filter((c) => c.running);
      for (const c of stopping) {
        c.running = false;
        // The infra container traps TERM and exits 0; business containers die of it.
        c.exitCode = c.role === "infra" ? 0 : 143;
      }
      sent.push(...events(set, stopping, ["die", "stop"]));
    }
    if (a.action === "start" || a.action === "restart") {
      const starting = [...infra, ...apps].filter((c) => !c.running);
      const now = new Date().toISOString();
      for (const c of starting) {
        c.running = true;
        c.exitCode = null;
        c.startedAt = now;
      }
      sent.push(...events(set, starting, ["start"]));
    }
    return { result: this.status(a.setId), events: sent, trashed: null };
  }

  /** A sample of each running set (a stopped container has no cgroup to read, so it is left out). */
  metrics(setIds: Iterable<string>, at: number): TSetMetrics[] {
    const up = (at - this.bootAt) / 1000;
    const out: TSetMetrics[] = [];
    for (const id of setIds) {
      const s = this.sets.get(id);
      if (!s || !s.containers.some((c) => c.running)) continue;
      const rx = Math.round(up * 2048);
      const tx = Math.round(up * 1024);
      const containers: TContainerMetrics[] = s.containers
        .filter((c) => c.role === "app" && c.running)
        .map((c) => ({
          name: c.name,
          cpuPercent: 0.5 + c.index,
          memoryBytes: 12 * MIB + c.index * MIB,
          memoryLimitBytes: c.memoryLimitBytes,
          netRxBytes: rx,
          netTxBytes: tx,
          blkReadBytes: 4 * MIB,
          blkWriteBytes: Math.round(up * 512),
          pids: 2,
          memoryRssBytes: 8 * MIB,
          memoryCacheBytes: 4 * MIB,
        }));
      out.push({ setId: s.setId, at, containers, net: { rxBytes: rx, txBytes: tx } });
    }
    return out;
  }

  /** What the real agent's disk scan reports: every container's writable layer, every mounted volume. */
  diskUsage(): TDiskUsage {
    const sets = [...this.sets.values()];
    return {
      containers: sets.flatMap((s) => s.containers.map((c) => ({ dockerId: c.dockerId, setId: s.setId, writableBytes: c.role === "infra" ? 4096 : 64 * 1024 }))),
      volumes: sets.filter((s) => s.diskGiB > 0).map((s) => ({ setId: s.setId, usedBytes: 2 * MIB, sizeBytes: s.diskGiB * GIB, entries: 0 })),
      trashBytes: 0,
      measuredAt: Date.now(),
    };
  }
}

function unreachable(setId: string): never {
  throw new Error(`set ${setId} vanished while it was applied`);
}

function containerStatus(c: TSimContainer): TContainerStatus {
  return {
    role: c.role,
    index: c.index,
    name: c.name,
    dockerId: c.dockerId,
    image: c.image,
    state: c.running ? "running" : "exited",
    exitCode: c.running ? null : c.exitCode,
    oomKilled: false,
    startedAt: c.startedAt,
    specVersion: c.specVersion,
  };
}

/** Docker's events for these containers, as agent/agent.ts forwards them (exit code on `die` only). */
function events(set: TSimSet, containers: TSimContainer[], actions: Array<TContainerEvent["action"]>): TContainerEvent[] {
  const at = Date.now();
  return containers.flatMap((c) =>
    actions.map((action) => ({
      setId: set.setId, role: c.role, index: c.index, name: c.name, dockerId: c.dockerId, action,
      exitCode: action === "die" ? c.exitCode : null, at,
    })),
  );
}

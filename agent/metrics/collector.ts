import os from "node:os";
import type { TListedContainer } from "../docker/engine";
import { LABEL } from "../../lib/protocol/agent";
import type { TContainerMetrics, TSetMetrics } from "../../lib/protocol/metrics";
import type { TCgroupLayout } from "./parse";
import { ContainerProbe, SetNetProbe, type TRawContainer } from "./probe";

interface TTracked {
  id: string;
  setId: string;
  name: string;
  index: number;
  probe: ContainerProbe;
  /** CPU counter and monotonic time (ms) of the previous reading, for CPU% from deltas. */
  prevCpuNs: number | null;
  prevAt: number;
  /** The latest reading, for the Prometheus endpoint. */
  last: TRawContainer | null;
  lastCpuPercent: number;
}

interface TTrackedSet {
  setId: string;
  teamId: string;
  apps: TTracked[];
  infraId: string | null;
  net: SetNetProbe | null;
  lastNet: { rx: number; tx: number } | null;
}

/** One container's latest values, as the Prometheus endpoint exposes them. */
export interface TContainerSnapshot {
  setId: string;
  teamId: string;
  name: string;
  cpuPercent: number;
  raw: TRawContainer;
}

/**
 * Turns cgroup readings into samples. Knows which Berth containers run on this host (from
 * Docker's list, refreshed by the service on Docker events and on a timer, never per tick) and
 * keeps one probe per container, so a tick is a handful of preads per container and no
 * Docker API call at all.
 */
/** CPU% over less than this is not reported anew (see toSample). */
const MIN_CPU_WINDOW_MS = 250;

export class MetricsCollector {
  private readonly containers = new Map<string, TTracked>();
  private readonly sets = new Map<string, TTrackedSet>();
  /** Set when a read finds a container gone: the service refreshes the inventory. */
  stale = false;

  constructor(
    private readonly layout: TCgroupLayout,
    private readonly hostMemoryBytes = os.totalmem(),
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Replaces the inventory with Docker's list; only running containers are read. */
  sync(listed: TListedContainer[]): void {
    const running = listed.filter((c) => c.state === "running" && c.labels[LABEL.set]);
    const seen = new Set(running.map((c) => c.id));
    for (const [id, t] of this.containers) {
      if (!seen.has(id)) {
        t.probe.close();
        this.containers.delete(id);
      }
    }
    const nextSets = new Map<string, { teamId: string; infraId: string | null; apps: TTracked[] }>();
    for (const c of running) {
      const setId = c.labels[LABEL.set];
      let s = nextSets.get(setId);
      if (!s) {
        s = { teamId: c.labels[LABEL.team] ?? "", infraId: null, apps: [] };
        nextSets.set(setId, s);
      }
      if (c.labels[LABEL.role] === "infra") {
        s.infraId = c.id;
        continue;
      }
      let t = this.containers.get(c.id);
      if (!t) {
        const probe = new ContainerProbe(this.layout, setId, c.id);
        // Prime the CPU baseline now, so the first sample anyone sees already has a real CPU%.
        t = { id: c.id, setId, name: c.labels[LABEL.name] ?? c.name, index: Number(c.labels[LABEL.index] ?? 0), probe, prevCpuNs: probe.cpuNs(), prevAt: this.clock(), last: null, lastCpuPercent: 0 };
        this.containers.set(c.id, t);
      }
      s.apps.push(t);
    }
    for (const [setId, old] of this.sets) {
      const next = nextSets.get(setId);
      if (!next || next.infraId !== old.infraId) {
        old.net?.close();
        this.sets.delete(setId);
      }
    }
    for (const [setId, n] of nextSets) {
      const existing = this.sets.get(setId);
      const apps = n.apps.sort((a, b) => a.index - b.index);
      if (existing) {
        existing.apps = apps;
        continue;
      }
      this.sets.set(setId, {
        setId,
        teamId: n.teamId,
        apps,
        infraId: n.infraId,
        net: n.infraId ? new SetNetProbe(this.layout, setId, n.infraId) : null,
        lastNet: null,
      });
    }
    this.stale = false;
  }

  setIds(): string[] {
    return [...this.sets.keys()];
  }

  has(setId: string): boolean {
    return this.sets.has(setId);
  }

  containerCount(): number {
    return this.containers.size;
  }

  /**
   * Reads the given sets now. `detail` also reads memory limit and rss/cache (the slow tick);
   * between those the last values are carried. Sets not on this host are skipped.
   */
  sample(setIds: Iterable<string>, at: number, detail: boolean): TSetMetrics[] {
    const out: TSetMetrics[] = [];
    for (const setId of setIds) {
      const s = this.sets.get(setId);
      if (!s) continue;
      const net = s.net?.read(detail) ?? null;
      if (net) s.lastNet = net;
      const netRx = net?.rx ?? 0;
      const netTx = net?.tx ?? 0;
      const containers: TContainerMetrics[] = [];
      for (const t of s.apps) {
        let now = this.clock();
        const raw = t.probe.read(detail, () => (now = this.clock()));
        if (!raw) {
          this.stale = true;
          continue;
        }
        containers.push(this.toSample(t, raw, now, netRx, netTx));
      }
      if (containers.length === 0 && !net) continue;
      out.push({ setId, at, containers, ...(net ? { net: { rxBytes: net.rx, txBytes: net.tx } } : {}) });
    }
    return out;
  }

  private toSample(t: TTracked, raw: TRawContainer, now: number, netRx: number, netTx: number): TContainerMetrics {
    let cpuPercent = 0;
    const elapsedMs = now - t.prevAt;
    if (elapsedMs < MIN_CPU_WINDOW_MS && t.prevCpuNs !== null && raw.cpuNs >= t.prevCpuNs) {
      // Too short a window: the CFS quota is spent in bursts (a half-core container may run a whole
      // core for 50 ms), so a few milliseconds say nothing. Keep the last figure and the baseline.
      cpuPercent = t.lastCpuPercent;
    } else {
      if (t.prevCpuNs !== null && elapsedMs > 0 && raw.cpuNs >= t.prevCpuNs) {
        cpuPercent = ((raw.cpuNs - t.prevCpuNs) / (elapsedMs * 1e6)) * 100;
      }
      // A restarted container starts its counter again: the next tick has a clean baseline.
      t.prevCpuNs = raw.cpuNs;
      t.prevAt = now;
    }
    t.last = raw;
    t.lastCpuPercent = cpuPercent;
    return {
      name: t.name,
      cpuPercent: Math.round(cpuPercent * 100) / 100,
      memoryBytes: raw.memoryBytes,
      memoryLimitBytes: Math.min(raw.memoryLimitBytes, this.hostMemoryBytes),
      netRxBytes: netRx,
      netTxBytes: netTx,
      blkReadBytes: raw.blkRead,
      blkWriteBytes: raw.blkWrite,
      pids: raw.pids,
      ...(raw.stat ? { memoryRssBytes: raw.stat.rss, memoryCacheBytes: raw.stat.cache } : {}),
    };
  }

  /** The latest reading of every container, for a Prometheus scrape. */
  snapshot(): { containers: TContainerSnapshot[]; sets: Array<{ setId: string; teamId: string; rx: number; tx: number }> } {
    const containers: TContainerSnapshot[] = [];
    const sets: Array<{ setId: string; teamId: string; rx: number; tx: number }> = [];
    for (const s of this.sets.values()) {
      if (s.lastNet) sets.push({ setId: s.setId, teamId: s.teamId, rx: s.lastNet.rx, tx: s.lastNet.tx });
      for (const t of s.apps) {
        if (t.last) containers.push({ setId: s.setId, teamId: s.teamId, name: t.name, cpuPercent: t.lastCpuPercent, raw: t.last });
      }
    }
    return { containers, sets };
  }

  close(): void {
    for (const t of this.containers.values()) t.probe.close();
    for (const s of this.sets.values()) s.net?.close();
    this.containers.clear();
    this.sets.clear();
  }
}

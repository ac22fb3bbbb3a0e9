import type { TContainerMetrics, TMetricsPoint } from "../protocol/metrics";
import type { TRingSample } from "./ring";

/**
 * Per-minute rollups, as pure math. CPU and memory are averaged (and their maxima kept) over the
 * samples of the minute; counters become rates: each sample's delta from the container's previous
 * sample is credited to the minute of the newer one, and the rate is bytes ÷ seconds covered, so
 * a minute with 60 one-second samples and a minute with 4 sweep samples both average correctly.
 */

export const MINUTE_MS = 60_000;

/** How long a minute stays open for late batches; older samples are dropped, the row is final. */
export const LATE_MS = 2 * MINUTE_MS;

/** One row of MetricRollup. */
export interface TRollupRow {
  setId: string;
  container: string;
  at: Date;
  samples: number;
  cpuAvg: number;
  cpuMax: number;
  memoryAvg: number;
  memoryMax: number;
  memoryLimit: number;
  netRxRate: number;
  netTxRate: number;
  blkReadRate: number;
  blkWriteRate: number;
  pidsMax: number;
}

interface TBucket {
  setId: string;
  container: string;
  minute: number;
  samples: number;
  cpuSum: number;
  cpuMax: number;
  memSum: number;
  memMax: number;
  memLimit: number;
  rx: number;
  tx: number;
  rd: number;
  wr: number;
  /** Seconds the counter deltas cover. */
  seconds: number;
  pidsMax: number;
  /** Bumped on every add; a flush commits only what it saw. */
  version: number;
  flushed: number;
}

interface TPrev {
  at: number;
  rx: number;
  tx: number;
  rd: number;
  wr: number;
}

/** Counters go down when a container restarts: that delta is unknown, not negative. */
function delta(now: number, before: number): number {
  return now >= before ? now - before : 0;
}

export function minuteOf(at: number): number {
  return Math.floor(at / MINUTE_MS) * MINUTE_MS;
}

export function bucketToRow(b: TBucket): TRollupRow {
  const rate = (bytes: number) => (b.seconds > 0 ? bytes / b.seconds : 0);
  return {
    setId: b.setId,
    container: b.container,
    at: new Date(b.minute),
    samples: b.samples,
    cpuAvg: b.cpuSum / b.samples,
    cpuMax: b.cpuMax,
    memoryAvg: Math.round(b.memSum / b.samples),
    memoryMax: b.memMax,
    memoryLimit: b.memLimit,
    netRxRate: rate(b.rx),
    netTxRate: rate(b.tx),
    blkReadRate: rate(b.rd),
    blkWriteRate: rate(b.wr),
    pidsMax: b.pidsMax,
  };
}

export interface TDirtyBatch {
  rows: TRollupRow[];
  versions: Map<string, number>;
}

export class RollupAccumulator {
  private readonly buckets = new Map<string, TBucket>();
  private readonly prev = new Map<string, TPrev>();
  private latest = 0;

  add(setId: string, at: number, c: TContainerMetrics): void {
    this.latest = Math.max(this.latest, at);
    const minute = minuteOf(at);
    if (minute < minuteOf(this.latest - LATE_MS)) return;
    const id = `${setId}\u0000${c.name}`;
    const key = `${id}\u0000${minute}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { setId, container: c.name, minute, samples: 0, cpuSum: 0, cpuMax: 0, memSum: 0, memMax: 0, memLimit: 0, rx: 0, tx: 0, rd: 0, wr: 0, seconds: 0, pidsMax: 0, version: 0, flushed: 0 };
      this.buckets.set(key, b);
    }
    b.samples++;
    b.cpuSum += c.cpuPercent;
    b.cpuMax = Math.max(b.cpuMax, c.cpuPercent);
    b.memSum += c.memoryBytes;
    b.memMax = Math.max(b.memMax, c.memoryBytes);
    b.memLimit = c.memoryLimitBytes;
    b.pidsMax = Math.max(b.pidsMax, c.pids);
    const p = this.prev.get(id);
    if (p && at > p.at) {
      b.seconds += (at - p.at) / 1000;
      b.rx += delta(c.netRxBytes, p.rx);
      b.tx += delta(c.netTxBytes, p.tx);
      b.rd += delta(c.blkReadBytes, p.rd);
      b.wr += delta(c.blkWriteBytes, p.wr);
    }
    if (!p || at > p.at) this.prev.set(id, { at, rx: c.netRxBytes, tx: c.netTxBytes, rd: c.blkReadBytes, wr: c.blkWriteBytes });
    b.version++;
  }

  /** Rows changed since their last successful flush, the open minute included. */
  dirty(): TDirtyBatch {
    const rows: TRollupRow[] = [];
    const versions = new Map<string, number>();
    for (const [key, b] of this.buckets) {
      if (b.version === b.flushed) continue;
      rows.push(bucketToRow(b));
      versions.set(key, b.version);
    }
    return { rows, versions };
  }

  /**
   * After a successful write: marks what was written clean, and forgets minutes past the late
   * window once clean, and containers not seen for an hour.
   */
  commit(batch: TDirtyBatch, now: number): void {
    for (const [key, version] of batch.versions) {
      const b = this.buckets.get(key);
      if (b) b.flushed = Math.max(b.flushed, version);
    }
    const horizon = minuteOf(Math.max(now, this.latest) - LATE_MS);
    for (const [key, b] of this.buckets) {
      if (b.minute < horizon && b.version === b.flushed) this.buckets.delete(key);
    }
    for (const [id, p] of this.prev) {
      if (p.at < now - 60 * MINUTE_MS) this.prev.delete(id);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** Points at full resolution from the in-memory window: rates from consecutive samples. */
export function ringPoints(samples: TRingSample[]): TMetricsPoint[] {
  const out: TMetricsPoint[] = [];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const p = i > 0 ? samples[i - 1] : null;
    const secs = p ? (s.at - p.at) / 1000 : 0;
    const rate = (now: number, before: number | undefined) => (p && secs > 0 && before !== undefined ? delta(now, before) / secs : 0);
    out.push({
      at: s.at,
      cpuPercent: s.cpuPercent,
      cpuMaxPercent: s.cpuPercent,
      memoryBytes: s.memoryBytes,
      memoryMaxBytes: s.memoryBytes,
      memoryLimitBytes: s.memoryLimitBytes,
      netRxBytesPerSec: rate(s.netRxBytes, p?.netRxBytes),
      netTxBytesPerSec: rate(s.netTxBytes, p?.netTxBytes),
      blkReadBytesPerSec: rate(s.blkReadBytes, p?.blkReadBytes),
      blkWriteBytesPerSec: rate(s.blkWriteBytes, p?.blkWriteBytes),
      pids: s.pids,
    });
  }
  // The first point has no predecessor, so no rates: drop it rather than draw a false zero.
  return out.length > 1 ? out.slice(1) : out;
}

/** Steps of the history ranges: about 60–340 points per container whatever the range. */
export const RANGE_MS = { "15m": 15 * MINUTE_MS, "1h": 60 * MINUTE_MS, "24h": 24 * 60 * MINUTE_MS, "7d": 7 * 24 * 60 * MINUTE_MS } as const;
export const RANGE_STEP_SECONDS = { "15m": 60, "1h": 60, "24h": 300, "7d": 1800 } as const;

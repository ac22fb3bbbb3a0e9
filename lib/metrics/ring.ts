import type { TContainerMetrics } from "../protocol/metrics";

/** The columns one sample keeps; counters stay cumulative here, rates are derived on read. */
export const RING_FIELDS = [
  "cpuPercent",
  "memoryBytes",
  "memoryLimitBytes",
  "netRxBytes",
  "netTxBytes",
  "blkReadBytes",
  "blkWriteBytes",
  "pids",
] as const;
export type TRingField = (typeof RING_FIELDS)[number];
export type TRingSample = { at: number } & Record<TRingField, number>;

/** 15 minutes at one sample a second. */
export const RING_CAPACITY = 900;

/**
 * A container's recent samples, columnar in Float64Arrays: 9 × 900 × 8 bytes ≈ 65 KB at most,
 * no object per sample for the garbage collector to trace. Starts small and doubles up to its
 * capacity, because most containers are only swept every 15 s (60 samples per 15 min).
 */
export class SampleRing {
  private at: Float64Array;
  private cols: Float64Array[];
  private start = 0;
  private count = 0;

  constructor(
    readonly capacity = RING_CAPACITY,
    initial = 64,
  ) {
    const size = Math.min(initial, capacity);
    this.at = new Float64Array(size);
    this.cols = RING_FIELDS.map(() => new Float64Array(size));
  }

  get length(): number {
    return this.count;
  }

  private grow(): void {
    const size = Math.min(this.at.length * 2, this.capacity);
    const copy = (src: Float64Array) => {
      const dst = new Float64Array(size);
      for (let i = 0; i < this.count; i++) dst[i] = src[(this.start + i) % src.length];
      return dst;
    };
    this.at = copy(this.at);
    this.cols = this.cols.map(copy);
    this.start = 0;
  }

  push(at: number, c: Pick<TContainerMetrics, TRingField>): void {
    // Samples arrive in order per container; a late one (agent clock step) is dropped, not sorted in.
    if (this.count > 0 && at <= this.at[(this.start + this.count - 1) % this.at.length]) return;
    if (this.count === this.at.length && this.at.length < this.capacity) this.grow();
    const size = this.at.length;
    let i: number;
    if (this.count < size) {
      i = (this.start + this.count) % size;
      this.count++;
    } else {
      i = this.start;
      this.start = (this.start + 1) % size;
    }
    this.at[i] = at;
    for (let f = 0; f < RING_FIELDS.length; f++) this.cols[f][i] = c[RING_FIELDS[f]];
  }

  /** Samples with `at >= from`, oldest first. */
  since(from: number): TRingSample[] {
    const out: TRingSample[] = [];
    const size = this.at.length;
    for (let k = 0; k < this.count; k++) {
      const i = (this.start + k) % size;
      if (this.at[i] < from) continue;
      const s = { at: this.at[i] } as TRingSample;
      for (let f = 0; f < RING_FIELDS.length; f++) s[RING_FIELDS[f]] = this.cols[f][i];
      out.push(s);
    }
    return out;
  }

  /** Time of the newest sample, or 0 when empty. */
  newest(): number {
    return this.count === 0 ? 0 : this.at[(this.start + this.count - 1) % this.at.length];
  }
}

import type { TMetricsHistory, TMetricsPoint, TSetMetrics } from "@/lib/protocol/metrics";

/**
 * Chart data for SetCharts, kept outside React: the live buffer is mutated in place once a
 * second and the charts read rows built from it, so nothing above the chart component renders.
 */

export const MIB = 1024 * 1024;
/** Network and block IO rates are shown in KB/s (1000 bytes), as the axis says. */
export const KB = 1000;
/** Live charts show the newest five minutes; the buffer keeps the console's 15 minutes. */
export const LIVE_WINDOW_MS = 5 * 60_000;
const MAX_POINTS = 900;

/** One colour per container, by its place in the set, the same in every chart. */
export const PALETTE = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"];

export function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length];
}

export type TRow = { t: number } & Record<string, number>;

interface TLastCounters {
  at: number;
  rx: number;
  tx: number;
  rd: number;
  wr: number;
}

/** Points per container, newest last, fed by history fetches and live samples. */
export class SeriesBuffer {
  readonly points = new Map<string, TMetricsPoint[]>();
  private readonly last = new Map<string, TLastCounters>();

  reset(history?: TMetricsHistory): void {
    this.points.clear();
    this.last.clear();
    for (const c of history?.containers ?? []) this.points.set(c.name, c.points.slice(-MAX_POINTS));
  }

  /** A live sample: counters become rates against the container's previous sample. */
  add(sample: TSetMetrics): void {
    for (const c of sample.containers) {
      const prev = this.last.get(c.name);
      this.last.set(c.name, { at: sample.at, rx: c.netRxBytes, tx: c.netTxBytes, rd: c.blkReadBytes, wr: c.blkWriteBytes });
      const list = this.points.get(c.name) ?? [];
      this.points.set(c.name, list);
      if (list.length && list[list.length - 1].at >= sample.at) continue;
      const secs = prev ? (sample.at - prev.at) / 1000 : 0;
      const rate = (now: number, before: number | undefined) => (secs > 0 && before !== undefined && now >= before ? (now - before) / secs : NaN);
      list.push({
        at: sample.at,
        cpuPercent: c.cpuPercent,
        cpuMaxPercent: c.cpuPercent,
        memoryBytes: c.memoryBytes,
        memoryMaxBytes: c.memoryBytes,
        memoryLimitBytes: c.memoryLimitBytes,
        netRxBytesPerSec: rate(c.netRxBytes, prev?.rx),
        netTxBytesPerSec: rate(c.netTxBytes, prev?.tx),
        blkReadBytesPerSec: rate(c.blkReadBytes, prev?.rd),
        blkWriteBytesPerSec: rate(c.blkWriteBytes, prev?.wr),
        pids: c.pids,
      });
      if (list.length > MAX_POINTS) list.splice(0, list.length - MAX_POINTS);
    }
  }
}

/** Rows keyed by time; each container contributes its columns (`cpu:app`, `mem:app`…). */
function rows(buffer: SeriesBuffer, names: string[], from: number, columns: (name: string, p: TMetricsPoint) => Record<string, number>): TRow[] {
  const byT = new Map<number, TRow>();
  for (const name of names) {
    for (const p of buffer.points.get(name) ?? []) {
      if (p.at < from) continue;
      // A point without a value here (the first live sample has no rate yet) adds no row.
      const values = Object.entries(columns(name, p)).filter(([, v]) => Number.isFinite(v));
      if (values.length === 0) continue;
      let row = byT.get(p.at);
      if (!row) {
        row = { t: p.at } as TRow;
        byT.set(p.at, row);
      }
      for (const [k, v] of values) row[k] = v;
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

export interface TChartData {
  cpu: TRow[];
  memory: TRow[];
  network: TRow[];
  blockIo: TRow[];
}

export function chartData(buffer: SeriesBuffer, names: string[], from: number): TChartData {
  return {
    cpu: rows(buffer, names, from, (n, p) => ({ [`cpu:${n}`]: p.cpuPercent })),
    memory: rows(buffer, names, from, (n, p) => ({ [`mem:${n}`]: p.memoryBytes / MIB, [`limit:${n}`]: p.memoryLimitBytes / MIB })),
    // The containers of a set share one network namespace: the set's traffic, once.
    network: rows(buffer, names.slice(0, 1), from, (_n, p) => ({ rx: p.netRxBytesPerSec / KB, tx: p.netTxBytesPerSec / KB })),
    blockIo: rows(buffer, names, from, (n, p) => ({ [`read:${n}`]: p.blkReadBytesPerSec / KB, [`write:${n}`]: p.blkWriteBytesPerSec / KB })),
  };
}

const TICK_STEPS_MS = [10_000, 30_000, 60_000, 120_000, 300_000, 900_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000];

/**
 * Round time ticks (whole minutes, hours, local midnights) across [from, to], at most `max` of
 * them: recharts' own ticks on a time scale land on odd seconds.
 */
export function timeTicks(from: number, to: number, max = 7): number[] {
  if (!(to > from)) return [];
  const step = TICK_STEPS_MS.find((s) => (to - from) / s <= max) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
  // getTimezoneOffset is UTC − local: aligning on it puts day and hour ticks on local boundaries.
  const tz = new Date(from).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((from - tz) / step) * step + tz; t <= to; t += step) ticks.push(t);
  return ticks;
}

export function formatTime(t: number, range: string): string {
  const d = new Date(t);
  if (range === "7d") return d.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
  if (range === "live") return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const abs = Math.abs(v);
  // Small rates (a few bytes a second in KB/s) keep two significant digits instead of reading 0.
  if (abs > 0 && abs < 1) return v.toLocaleString(undefined, { maximumSignificantDigits: 2 });
  return v.toLocaleString(undefined, { maximumFractionDigits: abs >= 100 ? 0 : abs >= 10 ? 1 : 2 });
}

/**
 * The x extent of a chart: from its first sample (a young set's line starts at the left edge,
 * not squeezed into the right end of an empty window) up to `windowMs` back from `to`.
 */
const MIN_WINDOW_MS = 15_000;

export function chartWindow(firstSample: number, to: number, windowMs: number): [number, number] | undefined {
  if (!(to > 0)) return undefined;
  const from = Math.max(to - windowMs, firstSample || to - windowMs);
  // One sample is a point, not a range: give it a few seconds so the axis can place it.
  return to - from < MIN_WINDOW_MS ? [to - MIN_WINDOW_MS, to] : [from, to];
}

/** The newest value of each series in the rows (null when it has none): the charts' readout. */
export function latestValues(data: TRow[], keys: string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const k of keys) {
    out[k] = null;
    for (let i = data.length - 1; i >= 0; i--) {
      const v = data[i][k];
      if (typeof v === "number" && Number.isFinite(v)) {
        out[k] = v;
        break;
      }
    }
  }
  return out;
}

/**
 * The top of the y axis: the data's own maximum with a little headroom, but never below
 * `minTop` (idle CPU must not autoscale 0.002 % of noise to full height), and at least the
 * limit when the chart is asked to show the whole of it.
 */
export function yTop(dataMax: number, minTop: number, limit: number | null, scaleToLimit: boolean): number {
  const top = Math.max(Number.isFinite(dataMax) ? dataMax * 1.1 : 0, minTop);
  return scaleToLimit && limit !== null ? Math.max(top, limit) : top;
}

import type { TMetricsHistory } from "@/lib/protocol/metrics";
import { MIB, type TRow } from "./series";

/** One set's history, named as people say it (`shop-2`). */
export interface TSetHistory {
  set: string;
  history: TMetricsHistory;
}

export interface TAppRows {
  cpu: TRow[];
  memory: TRow[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * An app's charts: one line per set (the set's containers summed) and, across its sets, the
 * median and the maximum at each step (`p50`, `max`: the band). Sets sample at their own
 * instants, so points are put in buckets of `bucketMs` first; a set's value in a bucket is the
 * mean of its samples there.
 */
export function appRows(sets: TSetHistory[], bucketMs: number): TAppRows {
  const metric = (pick: (p: TMetricsHistory["containers"][number]["points"][number]) => number): TRow[] => {
    const byT = new Map<number, Map<string, { sum: number; n: number }[]>>();
    for (const { set, history } of sets) {
      history.containers.forEach((c, ci) => {
        for (const p of c.points) {
          const t = Math.floor(p.at / bucketMs) * bucketMs;
          const perSet = byT.get(t) ?? new Map<string, { sum: number; n: number }[]>();
          byT.set(t, perSet);
          const perContainer = perSet.get(set) ?? [];
          perSet.set(set, perContainer);
          const acc = (perContainer[ci] ??= { sum: 0, n: 0 });
          acc.sum += pick(p);
          acc.n += 1;
        }
      });
    }
    return [...byT.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, perSet]) => {
        const row = { t } as TRow;
        const values: number[] = [];
        for (const [set, containers] of perSet) {
          const v = containers.reduce((sum, acc) => sum + (acc ? acc.sum / acc.n : 0), 0);
          row[set] = v;
          values.push(v);
        }
        row.p50 = median(values);
        row.max = Math.max(...values);
        return row;
      });
  };
  return { cpu: metric((p) => p.cpuPercent), memory: metric((p) => p.memoryBytes / MIB) };
}

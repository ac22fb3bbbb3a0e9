import { describe, expect, it } from "vitest";
import { RollupAccumulator, bucketToRow, minuteOf, ringPoints, MINUTE_MS } from "@/lib/metrics/rollup";
import { SampleRing, RING_CAPACITY } from "@/lib/metrics/ring";
import { upsertParams } from "@/lib/metrics/store";
import { WatchRegistry } from "@/lib/metrics/watch-registry";
import type { TContainerMetrics } from "@/lib/protocol/metrics";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function sample(over: Partial<TContainerMetrics> = {}): TContainerMetrics {
  return {
    name: "app",
    cpuPercent: 0,
    memoryBytes: 0,
    memoryLimitBytes: 1000,
    netRxBytes: 0,
    netTxBytes: 0,
    blkReadBytes: 0,
    blkWriteBytes: 0,
    pids: 1,
    ...over,
  };
}

describe("SampleRing", () => {
  it("keeps the newest 900 samples (15 min at 1 s), oldest first, growing from a small start", () => {
    const ring = new SampleRing(RING_CAPACITY, 4);
    for (let i = 0; i < 1000; i++) ring.push(T0 + i * 1000, sample({ cpuPercent: i }));
    expect(ring.length).toBe(900);
    const all = ring.since(0);
    expect(all).toHaveLength(900);
    expect(all[0]).toMatchObject({ at: T0 + 100_000, cpuPercent: 100 });
    expect(all[899]).toMatchObject({ at: T0 + 999_000, cpuPercent: 999 });
    expect(ring.newest()).toBe(T0 + 999_000);
  });

  it("since() filters by time; samples that go back in time are dropped", () => {
    const ring = new SampleRing(10, 2);
    for (let i = 0; i < 5; i++) ring.push(T0 + i * 1000, sample({ memoryBytes: i }));
    ring.push(T0 + 2000, sample({ memoryBytes: 99 }));
    expect(ring.since(T0 + 3000).map((s) => s.memoryBytes)).toEqual([3, 4]);
    expect(ring.length).toBe(5);
  });
});

describe("ringPoints: rates from consecutive samples", () => {
  it("turns cumulative counters into bytes per second and drops the first point (it has no rate)", () => {
    const ring = new SampleRing();
    ring.push(T0, sample({ netRxBytes: 1000, blkWriteBytes: 0 }));
    ring.push(T0 + 1000, sample({ netRxBytes: 3000, blkWriteBytes: 4096, cpuPercent: 50 }));
    ring.push(T0 + 3000, sample({ netRxBytes: 7000, blkWriteBytes: 4096, cpuPercent: 25 }));
    const points = ringPoints(ring.since(0));
    expect(points.map((p) => [p.at, p.netRxBytesPerSec, p.blkWriteBytesPerSec, p.cpuPercent])).toEqual([
      [T0 + 1000, 2000, 4096, 50],
      [T0 + 3000, 2000, 0, 25],
    ]);
  });

  it("a counter that went down (container restarted) gives a zero rate, not a negative one", () => {
    const ring = new SampleRing();
    ring.push(T0, sample({ blkReadBytes: 5000 }));
    ring.push(T0 + 1000, sample({ blkReadBytes: 10 }));
    expect(ringPoints(ring.since(0))[0].blkReadBytesPerSec).toBe(0);
  });
});

describe("RollupAccumulator: per-minute rollups", () => {
  it("averages CPU and memory over the minute, keeps maxima and the limit", () => {
    const acc = new RollupAccumulator();
    [10, 20, 90].forEach((cpu, i) => acc.add("s1", T0 + i * 1000, sample({ cpuPercent: cpu, memoryBytes: (i + 1) * 100, pids: 3 - i })));
    const { rows } = acc.dirty();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ setId: "s1", container: "app", at: new Date(T0), samples: 3, cpuAvg: 40, cpuMax: 90, memoryAvg: 200, memoryMax: 300, memoryLimit: 1000, pidsMax: 3 });
  });

  it("credits counter deltas to the newer sample's minute, as bytes over the seconds covered", () => {
    const acc = new RollupAccumulator();
    acc.add("s1", T0 + 50_000, sample({ netTxBytes: 0 }));
    acc.add("s1", T0 + 65_000, sample({ netTxBytes: 15_000 })); // next minute: 15 s, 15 kB
    acc.add("s1", T0 + 80_000, sample({ netTxBytes: 45_000 })); // 15 s, 30 kB
    const rows = acc.dirty().rows.sort((a, b) => a.at.getTime() - b.at.getTime());
    expect(rows.map((r) => [r.at.getTime() - T0, r.netTxRate])).toEqual([
      [0, 0],
      [MINUTE_MS, 45_000 / 30],
    ]);
  });

  it("sweep cadence (15 s) and watch cadence (1 s) give the same average rate for the same traffic", () => {
    const slow = new RollupAccumulator();
    const fast = new RollupAccumulator();
    for (let s = 0; s <= 60; s += 15) slow.add("s1", T0 + s * 1000, sample({ blkReadBytes: s * 1000 }));
    for (let s = 0; s <= 60; s++) fast.add("s1", T0 + s * 1000, sample({ blkReadBytes: s * 1000 }));
    const rate = (a: RollupAccumulator) => a.dirty().rows.find((r) => r.at.getTime() === T0)!.blkReadRate;
    expect(rate(slow)).toBeCloseTo(1000);
    expect(rate(fast)).toBeCloseTo(1000);
  });

  it("re-sends an open minute while it changes, forgets it once written and past the late window", () => {
    const acc = new RollupAccumulator();
    acc.add("s1", T0, sample());
    const first = acc.dirty();
    expect(first.rows).toHaveLength(1);
    acc.add("s1", T0 + 1000, sample()); // changed after the read, before the commit
    acc.commit(first, T0 + 2000);
    expect(acc.dirty().rows[0].samples).toBe(2); // still dirty: the newer version was not written
    acc.commit(acc.dirty(), T0 + 2000);
    expect(acc.dirty().rows).toEqual([]);
    expect(acc.size).toBe(1); // the open minute stays for more samples
    acc.commit(acc.dirty(), T0 + 4 * MINUTE_MS);
    expect(acc.size).toBe(0);
  });

  it("drops samples older than the late window instead of overwriting a final row with a partial one", () => {
    const acc = new RollupAccumulator();
    acc.add("s1", T0 + 10 * MINUTE_MS, sample());
    acc.add("s1", T0, sample({ cpuPercent: 100 }));
    expect(acc.dirty().rows.map((r) => r.at.getTime())).toEqual([T0 + 10 * MINUTE_MS]);
  });

  it("minuteOf floors to the minute; rows survive the upsert parameter encoding", () => {
    expect(minuteOf(T0 + 59_999)).toBe(T0);
    const acc = new RollupAccumulator();
    acc.add("s1", T0, sample({ memoryBytes: 2 ** 40 + 0.4, memoryLimitBytes: 2 ** 41 }));
    const params = upsertParams(acc.dirty().rows);
    expect(params).toHaveLength(14);
    expect(params[2]).toEqual([new Date(T0).toISOString()]);
    expect(params[6]).toEqual([String(2 ** 40)]);
    expect(params[8]).toEqual([String(2 ** 41)]);
  });

  it("bucketToRow never divides by zero seconds", () => {
    const acc = new RollupAccumulator();
    acc.add("s1", T0, sample({ netRxBytes: 5 }));
    expect(acc.dirty().rows[0].netRxRate).toBe(0);
    expect(typeof bucketToRow).toBe("function");
  });
});

describe("WatchRegistry: one agent watch per set", () => {
  it("asks for a watch on the first subscriber only and releases it with the last", () => {
    const w = new WatchRegistry();
    expect(w.add("sock1", "set1", "host1")).toBe(true);
    expect(w.add("sock2", "set1", "host1")).toBe(false);
    expect(w.add("sock2", "set1", "host1")).toBe(false); // a repeated subscribe is idempotent
    expect(w.subscriptions).toBe(2);
    expect(w.remove("sock1", "set1")).toBeNull();
    expect(w.remove("sock2", "set1")).toEqual({ setId: "set1", hostId: "host1" });
    expect(w.watchedSets).toBe(0);
    expect(w.remove("sock2", "set1")).toBeNull();
  });

  it("records a host for a set placed after its first subscriber, once; lists every pair for re-checks", () => {
    const w = new WatchRegistry();
    w.add("a", "set1", null);
    w.add("b", "set1", null);
    expect(w.rehost("set1", "h1")).toBe(true);
    expect(w.rehost("set1", "h1")).toBe(false);
    expect(w.rehost("unknown", "h1")).toBe(false);
    expect(w.setsOnHost("h1")).toEqual(["set1"]);
    expect(w.pairs()).toEqual([
      { socketId: "a", setId: "set1" },
      { socketId: "b", setId: "set1" },
    ]);
  });

  it("a disconnect releases every set whose last subscriber it was", () => {
    const w = new WatchRegistry();
    w.add("a", "set1", "h1");
    w.add("a", "set2", "h2");
    w.add("b", "set2", "h2");
    w.add("a", "set3", null);
    expect(w.removeSocket("a")).toEqual([
      { setId: "set1", hostId: "h1" },
      { setId: "set3", hostId: null },
    ]);
    expect(w.setsOnHost("h2")).toEqual(["set2"]);
    expect(w.removeSocket("b")).toEqual([{ setId: "set2", hostId: "h2" }]);
    expect(w.watchedSets).toBe(0);
    expect(w.subscriptions).toBe(0);
  });
});

describe("chart helpers", () => {
  it("time ticks land on round minutes and hours, at most seven", async () => {
    const { timeTicks } = await import("@/components/metrics/series");
    const live = timeTicks(T0 + 7_000, T0 + 5 * MINUTE_MS + 7_000);
    expect(live.length).toBeLessThanOrEqual(7);
    expect(live.every((t) => t % MINUTE_MS === 0)).toBe(true);
    const week = timeTicks(T0, T0 + 7 * 24 * 60 * MINUTE_MS);
    expect(week.length).toBeGreaterThan(0);
    expect(week.length).toBeLessThanOrEqual(8);
    expect(timeTicks(5, 5)).toEqual([]);
  });

  it("live samples become rates per container; a restarted counter gives no rate", async () => {
    const { SeriesBuffer, chartData } = await import("@/components/metrics/series");
    const b = new SeriesBuffer();
    const at = (s: number, rx: number, rd: number) => ({ setId: "s", at: T0 + s * 1000, containers: [sample({ netRxBytes: rx, blkReadBytes: rd, cpuPercent: s })] });
    b.add(at(0, 0, 0));
    b.add(at(1, 2000, 5000));
    b.add(at(2, 1000, 6000));
    const d = chartData(b, ["app"], 0);
    expect(d.cpu.map((r) => r["cpu:app"])).toEqual([0, 1, 2]);
    expect(d.network.map((r) => r.rx)).toEqual([2, undefined]); // rx went back: no rate that second
    expect(d.blockIo.map((r) => r["read:app"])).toEqual([5, 1]);
  });
});

describe("WatchRegistry releases each socket's hold once", () => {
  it("runs a pair's release on unsubscribe and on disconnect, and gives back a duplicate at once", () => {
    const w = new WatchRegistry();
    const released: string[] = [];
    const hold = (name: string) => () => released.push(name);
    w.add("s1", "set-a", "h1", hold("s1/a"));
    w.add("s1", "set-b", "h1", hold("s1/b"));
    w.add("s1", "set-a", "h1", hold("s1/a-again"));
    expect(released).toEqual(["s1/a-again"]);
    expect(w.watching("s1", "set-a")).toBe(true);
    w.remove("s1", "set-a");
    w.remove("s1", "set-a");
    expect(released).toEqual(["s1/a-again", "s1/a"]);
    w.removeSocket("s1");
    expect(released).toEqual(["s1/a-again", "s1/a", "s1/b"]);
    expect(w.watching("s1", "set-b")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { appRows } from "@/components/metrics/app-series";
import { shellJoin } from "@/lib/ui/shell-quote";
import { chartWindow, latestValues, yTop, type TRow } from "@/components/metrics/series";

const T = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("chart scales", () => {
  it("the window starts at the first sample, up to the range", () => {
    // A two-minute-old set fills the chart instead of sitting at the right end of five minutes.
    expect(chartWindow(T - 120_000, T, 300_000)).toEqual([T - 120_000, T]);
    expect(chartWindow(T - 3_600_000, T, 300_000)).toEqual([T - 300_000, T]);
    // One sample still gets a few readable seconds.
    expect(chartWindow(T, T, 300_000)).toEqual([T - 15_000, T]);
    expect(chartWindow(T - 20_000, T, 300_000)).toEqual([T - 20_000, T]);
    expect(chartWindow(0, 0, 300_000)).toBeUndefined();
  });

  it("idle CPU keeps a 0–10 % axis; busy CPU gets headroom; the limit when asked", () => {
    expect(yTop(0.0025, 10, 50, false)).toBe(10);
    expect(yTop(80, 10, 50, false)).toBeCloseTo(88);
    expect(yTop(0.0025, 10, 50, true)).toBe(50);
    expect(yTop(0.0025, 10, null, true)).toBe(10);
    expect(yTop(Number.NaN, 10, null, false)).toBe(10);
  });

  it("reads the newest value of each series, skipping gaps", () => {
    const rows: TRow[] = [
      { t: 1, "cpu:web": 3, "cpu:db": 1 },
      { t: 2, "cpu:web": 4 },
    ];
    expect(latestValues(rows, ["cpu:web", "cpu:db", "cpu:none"])).toEqual({ "cpu:web": 4, "cpu:db": 1, "cpu:none": null });
  });
});

describe("app charts", () => {
  const point = (at: number, cpu: number, memMiB: number) => ({
    at, cpuPercent: cpu, cpuMaxPercent: cpu, memoryBytes: memMiB * 1024 * 1024, memoryMaxBytes: 0, memoryLimitBytes: 0,
    netRxBytesPerSec: 0, netTxBytesPerSec: 0, blkReadBytesPerSec: 0, blkWriteBytesPerSec: 0, pids: 1,
  });
  const history = (setId: string, containers: Array<Array<ReturnType<typeof point>>>) => ({
    setId, range: "1h" as const, stepSeconds: 60, source: "rollup" as const,
    containers: containers.map((points, i) => ({ name: `c${i}`, points })),
  });

  it("sums a set's containers per bucket, one line per set, with the median and the maximum across sets", () => {
    const rows = appRows(
      [
        { set: "shop-1", history: history("a", [[point(T, 10, 100), point(T + 5_000, 20, 100)], [point(T + 1_000, 5, 50)]]) },
        { set: "shop-2", history: history("b", [[point(T + 2_000, 40, 300)]]) },
        { set: "shop-3", history: history("c", [[point(T + 3_000, 1, 10), point(T + 60_000, 2, 10)]]) },
      ],
      10_000,
    );
    expect(rows.cpu[0]).toEqual({ t: T, "shop-1": 20, "shop-2": 40, "shop-3": 1, p50: 20, max: 40 });
    expect(rows.memory[0]).toMatchObject({ "shop-1": 150, "shop-2": 300, p50: 150, max: 300 });
    expect(rows.cpu[1]).toEqual({ t: T + 60_000, "shop-3": 2, p50: 2, max: 2 });
  });
});

describe("the template's command", () => {
  it("reads as the shell line that runs exactly that argv", () => {
    expect(shellJoin(["sh", "-c", "mkdir -p /data; echo hi > /data/x"])).toBe("sh -c 'mkdir -p /data; echo hi > /data/x'");
    expect(shellJoin(["sh", "-c", "trap 'exit 0' TERM"])).toBe("sh -c 'trap '\\''exit 0'\\'' TERM'");
    expect(shellJoin(["echo", ""])).toBe("echo ''");
  });
});

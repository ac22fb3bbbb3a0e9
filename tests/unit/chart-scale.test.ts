import { describe, expect, it } from "vitest";
import { chartWindow, latestValues, yTop, type TRow } from "@/components/metrics/series";

const T = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("chart scales", () => {
  it("the window starts at the first sample, up to the range", () => {
    // A two-minute-old set fills the chart instead of sitting at the right end of five minutes.
    expect(chartWindow(T - 120_000, T, 300_000)).toEqual([T - 120_000, T]);
    expect(chartWindow(T - 3_600_000, T, 300_000)).toEqual([T - 300_000, T]);
    // One sample still gets a readable minute.
    expect(chartWindow(T, T, 300_000)).toEqual([T - 60_000, T]);
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

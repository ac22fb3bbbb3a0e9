import { describe, expect, it } from "vitest";
import { AutoscaleTracker, recommend, type TPolicyRules } from "@/lib/autoscale/decide";
import { needBeyondQuota, needText, setsThatFit } from "@/lib/autoscale/apply";

const rules: TPolicyRules = { minReplicas: 1, maxReplicas: 6, cpuTargetPercent: 50, memoryTargetPercent: null, scaleOutStabilizationSeconds: 5, scaleInStabilizationSeconds: 20 };
const m = (at: number, runningSets: number, cpuPercent: number, memoryPercent: number | null = null) => ({ at, runningSets, cpuPercent, memoryPercent });

/** Feeds one measurement a second from `from` to `to` (s) and returns the first decision, if any. */
function run(t: AutoscaleTracker, p: TPolicyRules, from: number, to: number, running: number, cpu: number, replicas = running) {
  t.noteRunning(running, from * 1000);
  for (let s = from; s <= to; s++) {
    const r = recommend(p, m(s * 1000, running, cpu));
    if (r) t.observe(r, 60_000);
    const d = t.decide(p, s * 1000, replicas, replicas - running);
    if (d) return { at: s, ...d };
  }
  return null;
}

describe("recommend", () => {
  it("is HPA's ceil(current × utilisation / target), bounded, with a ±10 % tolerance", () => {
    expect(recommend(rules, m(0, 1, 100))?.desired).toBe(2);
    expect(recommend(rules, m(0, 3, 86))?.desired).toBe(6);
    expect(recommend(rules, m(0, 4, 54))?.desired).toBe(4); // within 10 % of 50
    expect(recommend(rules, m(0, 4, 44))?.desired).toBe(4);
    expect(recommend(rules, m(0, 4, 40))?.desired).toBe(4); // 3.2 → 4: ceil keeps it
    expect(recommend(rules, m(0, 4, 30))?.desired).toBe(3);
    expect(recommend(rules, m(0, 4, 1))?.desired).toBe(1);
    expect(recommend(rules, m(0, 5, 100))?.desired).toBe(6); // max
    expect(recommend(rules, m(0, 0, 100))).toBeNull();
    expect(recommend(rules, m(0, 2, 100))?.why).toBe("CPU 100 % > target 50 %");
  });

  it("takes the larger of CPU and memory when a memory target is set", () => {
    const r = recommend({ ...rules, memoryTargetPercent: 40 }, m(0, 2, 20, 80));
    expect(r).toMatchObject({ desired: 4, why: "memory 80 % > target 40 %" });
  });
});

describe("AutoscaleTracker", () => {
  it("scales out only after the load stayed high for the whole scale-out window, straight to the desired count", () => {
    const t = new AutoscaleTracker(10);
    const d = run(t, rules, 0, 30, 2, 100);
    expect(d).toEqual({ at: 5, to: 4, direction: "out", reason: "CPU 100 % > target 50 % over 10 s: 2 → 4" });
  });

  it("does not scale out while sets are still starting", () => {
    const t = new AutoscaleTracker(10);
    expect(run(t, rules, 0, 30, 2, 100, 4)).toBeNull();
  });

  it("a dip inside the scale-out window delays the step", () => {
    const t = new AutoscaleTracker(10);
    t.noteRunning(2, 0);
    for (let s = 0; s <= 4; s++) t.observe(recommend(rules, m(s * 1000, 2, s === 3 ? 50 : 100))!, 60_000);
    expect(t.decide(rules, 4000, 2, 0)).toBeNull();
    for (let s = 5; s <= 8; s++) t.observe(recommend(rules, m(s * 1000, 2, 100))!, 60_000);
    expect(t.decide(rules, 8000, 2, 0)).toMatchObject({ to: 4 });
  });

  it("scales in only after a whole window of low load, to the highest count the window wanted, once per window", () => {
    const t = new AutoscaleTracker(10);
    const first = run(t, rules, 0, 60, 4, 10);
    expect(first).toMatchObject({ at: 20, to: 1, direction: "in" });
    t.scaled(20_000);
    // Right after, nothing more happens for a window even if the load stays low.
    expect(run(t, rules, 21, 39, 1, 10)).toBeNull();
  });

  it("a short burst inside the scale-in window holds the sets", () => {
    const t = new AutoscaleTracker(10);
    t.noteRunning(4, 0);
    for (let s = 0; s <= 30; s++) {
      t.observe(recommend(rules, m(s * 1000, 4, s === 15 ? 60 : 10))!, 60_000);
    }
    // At 30 s the window (10–30 s) holds the burst, which wanted 5 (> 4): no scale-in yet.
    expect(t.decide(rules, 30_000, 4, 0)).toBeNull();
    for (let s = 31; s <= 36; s++) t.observe(recommend(rules, m(s * 1000, 4, 10))!, 60_000);
    expect(t.decide(rules, 36_000, 4, 0)).toMatchObject({ to: 1 });
  });

  it("says when a scale-in keeps more than the latest measurement wants (the load is still falling)", () => {
    const t = new AutoscaleTracker(10);
    t.noteRunning(4, 0);
    for (let s = 0; s <= 25; s++) t.observe(recommend(rules, m(s * 1000, 4, s < 8 ? 30 : 5))!, 60_000);
    expect(t.decide(rules, 25_000, 4, 0)).toEqual({ to: 3, direction: "in", reason: "CPU 5 % < target 50 % over 20 s: 4 → 3 (the most the last 20 s wanted)" });
  });

  it("a change in Running sets starts the observation over", () => {
    const t = new AutoscaleTracker(10);
    run(t, rules, 0, 3, 2, 100);
    expect(t.noteRunning(4, 4000)).toBe(true);
    expect(t.decide(rules, 4000, 4, 0)).toBeNull();
  });

  it("enforces min and max at once", () => {
    const t = new AutoscaleTracker(10);
    expect(t.decide({ ...rules, minReplicas: 3 }, 0, 1, 0)).toMatchObject({ to: 3, direction: "out" });
    expect(t.decide({ ...rules, maxReplicas: 2 }, 0, 5, 0)).toMatchObject({ to: 2, direction: "in" });
  });
});

describe("quota arithmetic", () => {
  const q = { limits: { cpu: 1, memoryMiB: 1024, diskGiB: 10, sets: 10 }, used: { cpu: 0.2, memoryMiB: 64, diskGiB: 0, sets: 2 } };
  const size = { cpuMillis: 100, memoryMiB: 32, diskGiB: 0 };
  it("counts the sets that fit and what the rest needs", () => {
    expect(setsThatFit(q, size)).toBe(8);
    expect(setsThatFit(q, { ...size, cpuMillis: 500 })).toBe(1);
    const need = needBeyondQuota(q, 4, { ...size, cpuMillis: 1000 });
    expect(need).toEqual({ sets: 0, cpuMillis: 3200, memoryMiB: 0, diskGiB: 0 });
    expect(needText(need)).toBe("needs 3.2 more cores");
    expect(needText({ sets: 1, cpuMillis: 1000, memoryMiB: 0, diskGiB: 0 })).toBe("needs 1 more core, 1 more set");
  });
});

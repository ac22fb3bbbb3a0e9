import { localMetricsWindow, replicasMetricsWindow } from "../metrics/history";
import type { TMetricsWindow } from "../protocol/cluster";
import type { TMeasurement } from "./decide";

const MIB = 1024 * 1024;

export interface TMeasuredSet {
  id: string;
  cpuMillis: number;
  memoryMiB: number;
}

/** Mean over the points of each container, summed over the set's containers; null without points. */
function setMeans(window: TMetricsWindow): { cpuPercent: number; memoryBytes: number } | null {
  let cpu = 0;
  let mem = 0;
  let any = false;
  for (const c of window) {
    if (c.points.length === 0) continue;
    any = true;
    cpu += c.points.reduce((a, p) => a + p.cpuPercent, 0) / c.points.length;
    mem += c.points.reduce((a, p) => a + p.memoryBytes, 0) / c.points.length;
  }
  return any ? { cpuPercent: cpu, memoryBytes: mem } : null;
}

/**
 * Average utilisation of the app's Running sets since `since`: per set its containers' CPU (percent
 * of one core) against the set's CPU limit, and memory against its memory limit. A set without
 * samples in the window (just started, or its agent silent) is left out of the average and of
 * `runningSets`, so it neither dilutes nor inflates the result.
 */
export async function measureSets(sets: TMeasuredSet[], since: number, now: number): Promise<TMeasurement> {
  const cpu: number[] = [];
  const memory: number[] = [];
  for (const s of sets) {
    let window = localMetricsWindow(s.id, since);
    // With several replicas the samples are kept by the one that holds the set's agent.
    if (!window.some((c) => c.points.length > 0)) window = await replicasMetricsWindow(s.id, since);
    const m = setMeans(window);
    if (!m) continue;
    // cpuPercent is percent of one core; the set's limit is cpuMillis / 1000 cores. A set cannot
    // use more than its limit: readings past it are sampling jitter, which would add a set too many.
    cpu.push(Math.min(100, (m.cpuPercent * 1000) / s.cpuMillis));
    memory.push(Math.min(100, (m.memoryBytes / (s.memoryMiB * MIB)) * 100));
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return { at: now, runningSets: cpu.length, cpuPercent: mean(cpu), memoryPercent: mean(memory) };
}

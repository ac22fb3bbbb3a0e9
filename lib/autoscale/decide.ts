/**
 * The autoscaler's arithmetic, free of I/O so it can be tested alone. Kubernetes HPA's rules,
 * adapted to Berth's limits-based utilisation:
 * - desired = ceil(running × utilisation / target), unless utilisation is within ±TOLERANCE of
 *   the target (then nothing changes), bounded by min/max;
 * - out: every recommendation over the scale-out window wants more (the smallest of them is taken),
 *   and no set of the app is still starting (it is capacity on its way);
 * - in: every recommendation over the scale-in window wants fewer (the largest of them is taken),
 *   and the window has passed since the last change: at most one step per window;
 * - the count of Running sets changing starts the observation over: the load has not spread over
 *   the new sets yet, and old samples would make the next step overshoot.
 */

/** Utilisation within 10 % of the target (relative) changes nothing, as HPA's default tolerance. */
export const TOLERANCE = 0.1;

export interface TPolicyRules {
  minReplicas: number;
  maxReplicas: number;
  cpuTargetPercent: number;
  memoryTargetPercent: number | null;
  scaleOutStabilizationSeconds: number;
  scaleInStabilizationSeconds: number;
}

export interface TMeasurement {
  at: number;
  /** Running sets with samples in the window: the base the recommendation multiplies. */
  runningSets: number;
  cpuPercent: number | null;
  memoryPercent: number | null;
}

export interface TRecommendation {
  at: number;
  desired: number;
  /** Which signal drove it, for the decision's reason ("CPU 86 % > target 60 %"). */
  why: string;
}

function bounded(n: number, p: TPolicyRules): number {
  return Math.min(p.maxReplicas, Math.max(p.minReplicas, n));
}

function percent(n: number): string {
  return `${Math.round(n)} %`;
}

/** The replica count this one measurement asks for, or null when there is nothing to measure. */
export function recommend(p: TPolicyRules, m: TMeasurement): TRecommendation | null {
  if (m.runningSets === 0) return null;
  const signals: Array<{ name: string; value: number; target: number }> = [];
  if (m.cpuPercent !== null) signals.push({ name: "CPU", value: m.cpuPercent, target: p.cpuTargetPercent });
  if (p.memoryTargetPercent !== null && m.memoryPercent !== null) signals.push({ name: "memory", value: m.memoryPercent, target: p.memoryTargetPercent });
  if (signals.length === 0) return null;
  let best: TRecommendation | null = null;
  for (const s of signals) {
    const ratio = s.value / s.target;
    const raw = Math.abs(ratio - 1) <= TOLERANCE ? m.runningSets : Math.ceil(m.runningSets * ratio - 1e-9);
    const desired = bounded(raw, p);
    const sign = s.value > s.target ? ">" : s.value < s.target ? "<" : "=";
    if (!best || desired > best.desired) best = { at: m.at, desired, why: `${s.name} ${percent(s.value)} ${sign} target ${percent(s.target)}` };
  }
  return best;
}

export interface TDecision {
  to: number;
  direction: "out" | "in";
  reason: string;
}

/** One app's recommendations while the leader keeps it; lost on failover, which only delays a step. */
export class AutoscaleTracker {
  private history: TRecommendation[] = [];
  private running = -1;
  /** When the count of Running sets last changed: samples before it (and shortly after) are stale. */
  changedAt = 0;
  lastChangeAt = 0;

  /** `measureSeconds`: how far back one measurement averages (named in reasons when a window is 0). */
  constructor(private readonly measureSeconds: number) {}

  /** The observation starts over when the Running count changes; returns whether it did. */
  noteRunning(count: number, now: number): boolean {
    if (count === this.running) return false;
    this.running = count;
    this.changedAt = now;
    this.history = [];
    return true;
  }

  observe(r: TRecommendation, keepMs: number): void {
    this.history.push(r);
    // One entry older than the longest window is kept: it proves the window is fully observed.
    const from = r.at - keepMs;
    while (this.history.length > 1 && this.history[1].at <= from) this.history.shift();
  }

  /** Recommendations of the last `ms`, or null when the observation does not cover that long yet. */
  private window(now: number, ms: number): TRecommendation[] | null {
    if (this.history.length === 0) return null;
    if (ms === 0) return [this.history[this.history.length - 1]];
    if (this.history[0].at > now - ms) return null;
    const inside = this.history.filter((r) => r.at > now - ms);
    return inside.length ? inside : null;
  }

  /**
   * What to do now. `replicas` is the app's count in the books (starting sets included),
   * `starting` how many of them are not Running yet.
   */
  decide(p: TPolicyRules, now: number, replicas: number, starting: number): TDecision | null {
    if (replicas < p.minReplicas) return { to: p.minReplicas, direction: "out", reason: `below minReplicas ${p.minReplicas}: ${replicas} → ${p.minReplicas}` };
    if (replicas > p.maxReplicas) return { to: p.maxReplicas, direction: "in", reason: `above maxReplicas ${p.maxReplicas}: ${replicas} → ${p.maxReplicas}` };
    const outMs = p.scaleOutStabilizationSeconds * 1000;
    const out = starting > 0 ? null : this.window(now, outMs);
    if (out) {
      const want = Math.min(...out.map((r) => r.desired));
      if (want > replicas) {
        const last = out[out.length - 1];
        return { to: want, direction: "out", reason: `${last.why} over ${this.span(outMs)} s: ${replicas} → ${want}` };
      }
    }
    const inMs = p.scaleInStabilizationSeconds * 1000;
    if (now - this.lastChangeAt < inMs) return null;
    const inside = this.window(now, inMs);
    if (inside && starting === 0) {
      const want = Math.max(...inside.map((r) => r.desired));
      if (want < replicas) {
        const last = inside[inside.length - 1];
        // The load may still be falling: say the step keeps what the window's busiest moment wanted.
        const held = last.desired < want ? ` (the most the last ${this.span(inMs)} s wanted)` : "";
        return { to: want, direction: "in", reason: `${last.why} over ${this.span(inMs)} s: ${replicas} → ${want}${held}` };
      }
    }
    return null;
  }

  private span(windowMs: number): number {
    return Math.max(Math.round(windowMs / 1000), this.measureSeconds);
  }

  /** A scale happened: the next scale-in waits a whole window from now. */
  scaled(now: number): void {
    this.lastChangeAt = now;
  }
}

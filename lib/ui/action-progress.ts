/**
 * Per-container steps of a set's start, stop or restart, read from the container states the
 * console pushes while the agent works (`set:state`). The agent stops business containers last
 * to first and starts them first to last, so which one is under way follows from which ones
 * already changed. Pure, so it can be tested without a browser.
 */

export type TSetAction = "start" | "stop" | "restart";

export interface TActionProgress {
  action: TSetAction;
  /** Business containers in index order. */
  containers: string[];
  /** Seen not running since the action began. */
  stopped: string[];
  /** Seen running again (or, for a start, at all) since the action began. */
  started: string[];
  phase: "working" | "done" | "failed";
  /** What the finished action left, or why it failed. */
  outcome?: string;
}

const VERB: Record<TSetAction, { base: string; ing: string; ed: string }> = {
  start: { base: "Start", ing: "Starting", ed: "Started" },
  stop: { base: "Stop", ing: "Stopping", ed: "Stopped" },
  restart: { base: "Restart", ing: "Restarting", ed: "Restarted" },
};

export function beginAction(action: TSetAction, containers: Array<{ name: string; state: string }>): TActionProgress {
  // A start does not wait for containers that already run.
  const started = action === "start" ? containers.filter((c) => isRunning(c.state)).map((c) => c.name) : [];
  return { action, containers: containers.map((c) => c.name), stopped: [], started, phase: "working" };
}

function isRunning(state: string): boolean {
  return state.toLowerCase() === "running";
}

/** Folds one pushed container report into the progress. */
export function observe(p: TActionProgress, reported: Array<{ name: string; role?: string; state: string }>): TActionProgress {
  if (p.phase !== "working") return p;
  const stopped = new Set(p.stopped);
  const started = new Set(p.started);
  for (const c of reported) {
    if (c.role === "infra" || !p.containers.includes(c.name)) continue;
    if (!isRunning(c.state)) {
      if (p.action !== "start") stopped.add(c.name);
    } else if (p.action === "start" || stopped.has(c.name)) {
      started.add(c.name);
    }
  }
  return { ...p, stopped: [...stopped], started: [...started] };
}

export function finishAction(p: TActionProgress, result: { ok: true; running: number } | { ok: false; reason: string }): TActionProgress {
  if (!result.ok) return { ...p, phase: "failed", outcome: result.reason };
  const n = p.containers.length;
  const outcome = p.action === "stop" ? `${n - result.running} of ${n} containers stopped` : `${result.running} of ${n} containers running`;
  const fine = p.action === "stop" ? result.running === 0 : result.running === n;
  return { ...p, phase: fine ? "done" : "failed", outcome, stopped: p.containers, started: p.action === "stop" ? [] : p.containers };
}

/** The badge word while the action runs: never the state the set is leaving. */
export function actionWord(p: TActionProgress): string {
  return VERB[p.action].ing;
}

/** One line: "Restarting… stopping container 1 of 2 (web)", then the outcome. */
export function describeAction(p: TActionProgress): { title: string; text: string } {
  const verb = VERB[p.action];
  const n = p.containers.length;
  if (p.phase === "done") return { title: verb.ed, text: p.outcome ?? "" };
  if (p.phase === "failed") return { title: `${verb.base} did not finish`, text: p.outcome ?? "" };
  const stopping = p.action !== "start" && p.stopped.length < n;
  if (stopping) {
    const next = [...p.containers].reverse().find((c) => !p.stopped.includes(c));
    return { title: `${verb.ing}…`, text: `stopping container ${p.stopped.length + 1} of ${n}${next ? ` (${next})` : ""}` };
  }
  if (p.action === "stop") return { title: `${verb.ing}…`, text: `${n} of ${n} containers stopped; stopping the infra container` };
  const next = p.containers.find((c) => !p.started.includes(c));
  if (!next) return { title: `${verb.ing}…`, text: `${n} of ${n} containers running; checking` };
  return { title: `${verb.ing}…`, text: `starting container ${p.started.length + 1} of ${n} (${next})` };
}

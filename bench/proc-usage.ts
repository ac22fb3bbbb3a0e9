/**
 * CPU time and resident memory of a process and its descendants, read from /proc once a second:
 * the console's node process, what it started besides Postgres (Next workers, the embedded
 * registry), and Postgres apart, since the database is not what the console's budget is about.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

type TGroup = "node" | "console" | "postgres";

interface TProc {
  pid: number;
  ppid: number;
  comm: string;
  /** Start time in clock ticks since boot: with the pid, names one process even if pids are reused. */
  start: string;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

export interface TTreeUsage {
  seconds: number;
  /** The node process and its descendants except Postgres, in percent of one core. */
  consoleCpuPercent: number;
  nodeCpuPercent: number;
  postgresCpuPercent: number;
  /** Largest sum of VmRSS over the same processes seen at one sample. */
  consoleRssMaxMb: number;
  nodeRssMaxMb: number;
  /** Names of the processes counted as the console (besides node itself). */
  consoleProcesses: string[];
}

/** A process that exited between listing /proc and reading it. */
function gone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ESRCH";
}

function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    if (Number.isFinite(n) && n > 0) return n;
    throw new Error(`getconf CLK_TCK printed ${n}`);
  } catch (err) {
    // USER_HZ is 100 on every Linux architecture Node runs on; getconf only confirms it.
    process.stderr.write(`[proc-usage] getconf CLK_TCK failed (${(err as Error).message}); assuming 100\n`);
    return 100;
  }
}

function readProcs(): Map<number, TProc> {
  const out = new Map<number, TProc>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${name}/stat`, "utf8");
    } catch (err) {
      if (gone(err)) continue;
      throw err;
    }
    // The command name is in parentheses and may hold spaces or parentheses itself.
    const open = text.indexOf("(");
    const close = text.lastIndexOf(")");
    const f = text.slice(close + 2).split(" ");
    // f[0] is field 3 of proc(5) (state): field n is f[n - 3].
    out.set(Number(name), { pid: Number(name), comm: text.slice(open + 1, close), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), start: f[19] ?? "" });
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch (err) {
    if (gone(err)) return 0;
    throw err;
  }
}

/** The root and its descendants, each with its group: a Postgres process and all below it are Postgres. */
function tree(root: number, procs: Map<number, TProc>): Array<{ p: TProc; group: TGroup }> {
  const children = new Map<number, TProc[]>();
  for (const p of procs.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const top = procs.get(root);
  if (!top) return [];
  const out: Array<{ p: TProc; group: TGroup }> = [];
  const walk = (p: TProc, group: TGroup) => {
    out.push({ p, group });
    for (const c of children.get(p.pid) ?? []) walk(c, group === "postgres" || c.comm === "postgres" ? "postgres" : "console");
  };
  walk(top, "node");
  return out;
}

export class ProcessTreeSampler {
  private readonly hz = clockTicksPerSecond();
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, { ticks: number; group: TGroup }>();
  private readonly names = new Set<string>();
  private rssMax = { console: 0, node: 0 };
  private timer?: NodeJS.Timeout;
  private t0 = 0;

  constructor(private readonly rootPid: number) {}

  start(): void {
    this.t0 = performance.now();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 1000);
  }

  stop(): TTreeUsage {
    clearInterval(this.timer);
    this.sample(false);
    const seconds = (performance.now() - this.t0) / 1000;
    const cpu = { node: 0, console: 0, postgres: 0 };
    for (const [key, { ticks, group }] of this.last) cpu[group] += ticks - (this.first.get(key) ?? 0);
    const percent = (ticks: number) => Math.round((ticks / this.hz / seconds) * 1000) / 10;
    const mb = (kb: number) => Math.round(kb / 1024);
    return {
      seconds: Math.round(seconds * 10) / 10,
      consoleCpuPercent: percent(cpu.node + cpu.console),
      nodeCpuPercent: percent(cpu.node),
      postgresCpuPercent: percent(cpu.postgres),
      consoleRssMaxMb: mb(this.rssMax.console),
      nodeRssMaxMb: mb(this.rssMax.node),
      consoleProcesses: [...this.names].sort(),
    };
  }

  /**
   * A process first seen after the start counts from zero; one that exits counts up to its last
   * sample (at most a second of its time is lost).
   */
  private sample(initial: boolean): void {
    let rssConsole = 0;
    let rssNode = 0;
    for (const { p, group } of tree(this.rootPid, readProcs())) {
      const key = `${p.pid}:${p.start}`;
      if (!this.first.has(key)) this.first.set(key, initial ? p.ticks : 0);
      this.last.set(key, { ticks: p.ticks, group });
      if (group === "postgres") continue;
      const kb = rssKb(p.pid);
      rssConsole += kb;
      if (group === "node") rssNode = kb;
      else this.names.add(p.comm);
    }
    this.rssMax = { console: Math.max(this.rssMax.console, rssConsole), node: Math.max(this.rssMax.node, rssNode) };
  }
}

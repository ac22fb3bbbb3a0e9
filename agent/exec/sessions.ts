import type { Duplex } from "node:stream";
import { STREAM_LIMITS, type TExecExit, type TExecInput, type TExecOpen, type TExecOpened, type TExecResize } from "../../lib/protocol/streams";
import { inspectExec, killSession, pickShell, resizeExec, startShell, type TShellExec } from "../docker/exec";
import type { DockerEngine } from "../docker/engine";
import { findBusinessContainer, StreamError } from "../sets/target";
import type { ExecJournal } from "./journal";

export interface TExecSink {
  /** Sends output to the console; what the browser consumed comes back through `consumed`. */
  output(sessionId: string, data: Buffer): void;
  exit(e: TExecExit): void;
}

interface TSession {
  id: string;
  containerId: string;
  execId: string;
  stream: Duplex;
  exec: TShellExec;
  /** Output bytes sent and not yet acknowledged end to end. */
  unacked: number;
  paused: boolean;
  /** Output waiting for the end of this event-loop turn; null while the session is quiet. */
  batch: Buffer[] | null;
  batchBytes: number;
  /** Set when the console (or the agent) ends the session, so the exit is not reported twice. */
  closedBy: string | null;
}

/** One output message at most; a turn's output beyond it is split. */
const MAX_BATCH_BYTES = 64 * 1024;
/** Sessions per agent: a runaway console cannot make the agent hold unbounded execs. */
const MAX_SESSIONS = 256;

/**
 * Terminal sessions: `docker exec` with a TTY per session, raw bytes both ways. Output is sent
 * while less than a window is unacknowledged; past it the agent stops reading Docker, so the
 * process in the container blocks on its terminal instead of memory growing anywhere.
 */
export class ExecSessions {
  private readonly sessions = new Map<string, TSession>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly hostId: string,
    private readonly journal: ExecJournal,
    private readonly sink: TExecSink,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  async open(req: TExecOpen): Promise<TExecOpened> {
    if (this.sessions.has(req.sessionId)) throw new StreamError("LIMIT", "Session id already in use");
    if (this.sessions.size >= MAX_SESSIONS) throw new StreamError("LIMIT", `This host already runs ${MAX_SESSIONS} terminal sessions`);
    const target = await findBusinessContainer(this.engine, this.hostId, req.setId, req.container, { mustRun: true });
    const shell = await pickShell(this.engine, target.id);
    if (!shell) throw new StreamError("NO_SHELL", `Container ${req.container} has no /bin/sh to open a terminal with`);
    const exec = await startShell(this.engine, target.id, shell, req.sessionId);
    const { execId, stream } = exec;
    const s: TSession = { id: req.sessionId, containerId: target.id, execId, stream, exec, unacked: 0, paused: false, batch: null, batchBytes: 0, closedBy: null };
    this.sessions.set(s.id, s);
    this.journal.add({ sessionId: s.id, containerId: s.containerId, execId });
    stream.on("data", (chunk: Buffer) => this.onOutput(s, chunk));
    stream.once("close", () => void this.onEnded(s));
    stream.on("error", (err: Error) => {
      if (!s.closedBy) console.warn(`[agent] session ${s.id}: exec stream error: ${err.message}`);
    });
    // Docker 20.10 (API 1.41) takes no size at exec create: the first resize follows the start.
    await resizeExec(this.engine, execId, req.cols, req.rows).catch((err: unknown) => {
      console.warn(`[agent] session ${s.id}: first resize failed: ${(err as Error).message}`);
    });
    return { shell: shell.split("/").pop() ?? shell };
  }

  /**
   * A keystroke's echo goes out at once; while output keeps coming, what arrives within one
   * event-loop turn travels as one message (fewer packets on both hops, same bytes, same order).
   */
  private onOutput(s: TSession, chunk: Buffer): void {
    if (s.closedBy) return;
    if (s.batch) {
      s.batch.push(chunk);
      s.batchBytes += chunk.length;
      if (s.batchBytes >= MAX_BATCH_BYTES) this.flushBatch(s);
      return;
    }
    this.send(s, chunk);
    s.batch = [];
    s.batchBytes = 0;
    setImmediate(() => this.endOfTurn(s));
  }

  private endOfTurn(s: TSession): void {
    if (!s.batch || s.closedBy) return;
    if (s.batch.length === 0) {
      s.batch = null;
      return;
    }
    this.flushBatch(s);
    setImmediate(() => this.endOfTurn(s));
  }

  private flushBatch(s: TSession): void {
    if (!s.batch || s.batch.length === 0) return;
    const data = s.batch.length === 1 ? s.batch[0] : Buffer.concat(s.batch);
    s.batch = [];
    s.batchBytes = 0;
    this.send(s, data);
  }

  private send(s: TSession, chunk: Buffer): void {
    s.unacked += chunk.length;
    this.sink.output(s.id, chunk);
    if (!s.paused && s.unacked >= STREAM_LIMITS.outputWindowBytes) {
      s.paused = true;
      s.stream.pause();
    }
  }

  /** The browser consumed `bytes` of the session's output: the window opens again. */
  consumed(sessionId: string, bytes: number): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    s.unacked = Math.max(0, s.unacked - bytes);
    if (s.paused && s.unacked <= STREAM_LIMITS.outputResumeBytes) {
      s.paused = false;
      s.stream.resume();
    }
  }

  /** The exec's connection closed: the shell exited, the container stopped, or we closed it. */
  private async onEnded(s: TSession): Promise<void> {
    if (this.sessions.get(s.id) !== s) return;
    this.sessions.delete(s.id);
    if (s.closedBy) return;
    // The shell's last words go out before its exit.
    this.flushBatch(s);
    s.batch = null;
    let code: number | null = null;
    let reason = "The shell exited";
    try {
      const info = await inspectExec(this.engine, s.execId);
      code = info?.code ?? null;
      if (await this.containerStopping(s.containerId, code)) reason = "The container stopped";
      // The shell is gone but something it started may still hold the terminal: end those too.
      else if (info?.running) await killSession(this.engine, s.containerId, s.execId, s.id);
    } catch (err) {
      reason = `The session ended (${(err as Error).message})`;
    }
    this.journal.remove(s.id);
    this.sink.exit({ sessionId: s.id, code, reason });
  }

  /**
   * Whether the shell ended because its container is stopping. A stopping container's processes
   * die before Docker reports it exited, so a shell killed by a signal (code ≥ 128, or none)
   * waits a moment for the container's state; a shell that exited by itself answers at once.
   */
  private async containerStopping(containerId: string, code: number | null): Promise<boolean> {
    const killed = code === null || code >= 128;
    for (let i = 0; i < (killed ? 8 : 1); i++) {
      const c = await this.engine.inspect(containerId);
      if (!c || c.state !== "running") return true;
      if (killed) await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }

  input(req: TExecInput, done: (err?: Error) => void): void {
    const s = this.sessions.get(req.sessionId);
    if (!s || s.closedBy || !s.stream.writable) {
      done(new StreamError("NOT_FOUND", "No such session"));
      return;
    }
    // Acked on write: the console holds at most STREAM_LIMITS.inputInFlightBytes un-acked per session.
    s.stream.write(typeof req.data === "string" ? req.data : Buffer.from(req.data), (err) => done(err ?? undefined));
  }

  resize(req: TExecResize): void {
    const s = this.sessions.get(req.sessionId);
    if (!s || s.closedBy) return;
    resizeExec(this.engine, s.execId, req.cols, req.rows).catch((err: unknown) => {
      console.warn(`[agent] session ${s.id}: resize failed: ${(err as Error).message}`);
    });
  }

  /** Ends the session and its processes; resolves once they are gone (or could not be ended). */
  async close(sessionId: string, why: string): Promise<void> {
    const s = this.sessions.get(sessionId);
    if (!s || s.closedBy) return;
    s.closedBy = why;
    this.sessions.delete(sessionId);
    s.exec.close();
    try {
      await killSession(this.engine, s.containerId, s.execId, s.id);
    } catch (err) {
      console.warn(`[agent] session ${s.id}: processes not ended: ${(err as Error).message}`);
    }
    this.journal.remove(s.id);
  }

  closeAll(why: string): Promise<void> {
    return Promise.all([...this.sessions.keys()].map((id) => this.close(id, why))).then(() => undefined);
  }

  /** Ends the sessions a previous agent process left running (it was killed before it could). */
  async sweep(leftovers: Array<{ sessionId: string; containerId: string; execId: string }>): Promise<void> {
    for (const l of leftovers) {
      const info = await inspectExec(this.engine, l.execId).catch(() => null);
      if (!info?.running) continue;
      await killSession(this.engine, l.containerId, l.execId, l.sessionId).catch((err: unknown) => {
        console.warn(`[agent] leftover session ${l.sessionId} not ended: ${(err as Error).message}`);
      });
      console.log(`[agent] ended leftover terminal session ${l.sessionId}`);
    }
  }
}

import type { Readable } from "node:stream";
import { STREAM_LIMITS, type TLogsOpen } from "../../lib/protocol/streams";
import type { DockerEngine } from "../docker/engine";
import { containerHasTty, openContainerLogs, type TLogHandle } from "../docker/logs";
import { businessContainerLabels, findBusinessContainer, StreamError } from "../sets/target";
import { FrameDemuxer, formatLogLine, lineFilter, LogLineParser, sinceAfter, type TLogLine } from "./lines";

export interface TLogsSink {
  /** Sends text to the console; `ack` runs once the HTTP client has taken it. */
  chunk(streamId: string, data: string, ack: () => void): void;
  end(streamId: string, reason: string): void;
}

interface TLogStream {
  id: string;
  req: TLogsOpen;
  docker?: TLogHandle;
  unacked: number;
  paused: boolean;
  closed: boolean;
  /** Text waiting for the next flush (everything Docker handed over in one tick). */
  batch: string;
  flushScheduled: boolean;
  /** The newest line sent: a reattached follow picks up strictly after it. */
  lastTs: string;
  /** Aborts a Docker request still waiting for its answer when the console closes the stream. */
  abort: AbortController;
  /** Wakes a follow that waits for its container to run again, when the console closes it. */
  wake?: () => void;
}

/** Open log streams per agent; each one holds a connection to Docker while it follows. */
const MAX_STREAMS = 256;
/** Lines are sent in chunks of about this size; a quiet container's line goes out at once. */
const CHUNK_BYTES = 32 * 1024;
/** How often a follow whose container stopped looks whether it runs again. */
const REATTACH_POLL_MS = 500;

/**
 * Container logs as text lines (`<timestamp> <stdout|stderr|event> <text>`), filtered here so that
 * only matching lines cross the network. Flow control as for terminals: past a window of unacked
 * text the Docker stream is paused.
 *
 * A followed stream outlives its container's restarts: when Docker ends the stream (the container
 * stopped) an `event` line says so, the agent waits for the container to run again, says that
 * too and reattaches after the last line sent. It ends only when the console closes it or the
 * container is removed.
 */
export class LogStreams {
  private readonly streams = new Map<string, TLogStream>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly hostId: string,
    private readonly sink: TLogsSink,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  /**
   * Resolves once the container is known to exist. A plain read also waits for Docker to accept
   * the request; a follow answers at once, because Docker sends nothing (not even its headers)
   * until a quiet container prints its first line.
   */
  async open(req: TLogsOpen): Promise<void> {
    if (this.streams.has(req.streamId)) throw new StreamError("LIMIT", "Stream id already in use");
    if (this.streams.size >= MAX_STREAMS) throw new StreamError("LIMIT", `This host already serves ${MAX_STREAMS} log streams`);
    const target = await findBusinessContainer(this.engine, this.hostId, req.setId, req.container, { mustRun: false });
    const s: TLogStream = { id: req.streamId, req, unacked: 0, paused: false, closed: false, batch: "", flushScheduled: false, lastTs: "", abort: new AbortController() };
    this.streams.set(s.id, s);
    try {
      const tty = await containerHasTty(this.engine, target.id);
      if (req.follow) {
        void this.follow(s, target.id, tty);
        return;
      }
      s.docker = await openContainerLogs(this.engine, target.id, { tail: req.tail, since: req.since, follow: false });
      // Closed by the console while Docker was still answering.
      if (s.closed) return s.docker.close();
      void this.pump(s, s.docker.stream, tty).then((why) => this.finish(s, why));
    } catch (err) {
      this.streams.delete(s.id);
      throw err;
    }
  }

  private async follow(s: TLogStream, firstId: string, firstTty: boolean): Promise<void> {
    let containerId = firstId;
    let tty = firstTty;
    let attached = false;
    let stoppedAt = 0;
    while (!s.closed) {
      // Nothing was shown yet: from the moment the container stopped (whole seconds, so a line
      // printed just before could show twice, which beats losing one).
      const since = attached ? (sinceAfter(s.lastTs) ?? Math.floor(stoppedAt / 1000)) : s.req.since;
      let startedAt: string | null = null;
      try {
        startedAt = (await this.engine.inspect(containerId))?.startedAt ?? null;
        const handle = await openContainerLogs(this.engine, containerId, { tail: attached ? STREAM_LIMITS.maxTail : s.req.tail, since, follow: true }, s.abort.signal);
        if (s.closed) return handle.close();
        s.docker = handle;
      } catch (err) {
        if (s.closed) return;
        return this.finish(s, `Docker log stream failed: ${(err as Error).message}`);
      }
      attached = true;
      const why = await this.pump(s, s.docker.stream, tty);
      if (s.closed) return;
      stoppedAt = Date.now();
      const now = await this.engine.inspect(containerId).catch(() => null);
      if (now?.state === "running" && now.startedAt === startedAt) {
        // Docker ended the stream of a container that kept running: pick up again, quietly.
        if (!(await this.pause(s))) return;
        continue;
      }
      this.event(s, "container stopped");
      // Wait for the container to run again; it may also be recreated under a new id.
      while (!(now?.state === "running")) {
        if (!(await this.pause(s))) return;
        let found: { id: string; state: string } | undefined;
        try {
          found = (await this.engine.listByLabels(businessContainerLabels(this.hostId, s.req.setId, s.req.container)))[0];
        } catch (err) {
          return this.finish(s, `${why}; Docker could not be asked about the container: ${(err as Error).message}`);
        }
        if (!found) return this.finish(s, "the container was removed");
        if (found.state !== "running") continue;
        if (found.id !== containerId) {
          containerId = found.id;
          tty = await containerHasTty(this.engine, containerId).catch(() => tty);
        }
        break;
      }
      if (s.closed) return;
      this.event(s, "container restarted");
    }
  }

  /** Waits a poll interval; false when the console closed the stream meanwhile. */
  private async pause(s: TLogStream): Promise<boolean> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, REATTACH_POLL_MS);
      s.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    s.wake = undefined;
    return !s.closed;
  }

  /** A line of Berth's own in the stream, stamped now (it goes through the filter like any line). */
  private event(s: TLogStream, text: string): void {
    this.add(s, { ts: new Date().toISOString(), stream: "event", text });
  }

  private add(s: TLogStream, line: TLogLine): void {
    // Berth's own lines always pass: a search must still show that the container restarted.
    if (line.stream !== "event" && !lineFilter(s.req.q)(line)) return;
    if (line.stream !== "event" && line.ts) s.lastTs = line.ts;
    s.batch += formatLogLine(line);
    if (s.batch.length >= CHUNK_BYTES) this.flush(s);
    else if (!s.flushScheduled) {
      // Everything Docker handed over in this tick goes out as one chunk.
      s.flushScheduled = true;
      setImmediate(() => this.flush(s));
    }
  }

  private flush(s: TLogStream): void {
    s.flushScheduled = false;
    if (!s.batch || s.closed) return;
    const data = s.batch;
    s.batch = "";
    const bytes = Buffer.byteLength(data);
    s.unacked += bytes;
    this.sink.chunk(s.id, data, () => {
      s.unacked -= bytes;
      if (s.paused && s.unacked <= STREAM_LIMITS.logsWindowBytes / 4 && !s.closed) {
        s.paused = false;
        s.docker?.stream.resume();
      }
    });
    if (!s.paused && s.unacked >= STREAM_LIMITS.logsWindowBytes) {
      s.paused = true;
      s.docker?.stream.pause();
    }
  }

  /** Feeds one Docker stream into `s`; resolves with why it ended. */
  private pump(s: TLogStream, docker: Readable, tty: boolean): Promise<string> {
    const parser = new LogLineParser(STREAM_LIMITS.maxLogLine, (line) => this.add(s, line));
    const demux = new FrameDemuxer((stream, payload) => parser.push(stream, payload));
    docker.on("data", (chunk: Buffer) => (tty ? parser.push("stdout", chunk) : demux.push(chunk)));
    return new Promise((resolve) => {
      docker.once("end", () => {
        parser.flush();
        this.flush(s);
        resolve("end of log");
      });
      docker.once("close", () => resolve("end of log"));
      docker.once("error", (err: Error) => resolve(s.closed ? "closed" : `Docker log stream failed: ${err.message}`));
    });
  }

  private finish(s: TLogStream, reason: string): void {
    if (this.streams.get(s.id) !== s) return;
    this.flush(s);
    this.streams.delete(s.id);
    if (!s.closed) this.sink.end(s.id, reason);
    s.closed = true;
  }

  /** The console's client went away: stop reading Docker now. */
  close(streamId: string): void {
    const s = this.streams.get(streamId);
    if (!s) return;
    s.closed = true;
    this.streams.delete(streamId);
    s.abort.abort();
    s.docker?.close();
    s.wake?.();
    console.log(`[agent] log stream ${streamId} closed by the console`);
  }

  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.close(id);
  }
}

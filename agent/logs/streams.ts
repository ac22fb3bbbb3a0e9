import type { Readable } from "node:stream";
import { STREAM_LIMITS, type TLogsOpen } from "../../lib/protocol/streams";
import type { DockerEngine } from "../docker/engine";
import { containerHasTty, openContainerLogs, type TLogHandle } from "../docker/logs";
import { findBusinessContainer, StreamError } from "../sets/target";
import { FrameDemuxer, formatLogLine, lineFilter, LogLineParser } from "./lines";

export interface TLogsSink {
  /** Sends text to the console; `ack` runs once the HTTP client has taken it. */
  chunk(streamId: string, data: string, ack: () => void): void;
  end(streamId: string, reason: string): void;
}

interface TLogStream {
  id: string;
  docker?: TLogHandle;
  unacked: number;
  paused: boolean;
  closed: boolean;
}

/** Open log streams per agent; each one holds a connection to Docker while it follows. */
const MAX_STREAMS = 256;
/** Lines are sent in chunks of about this size; a quiet container's line goes out at once. */
const CHUNK_BYTES = 32 * 1024;

/**
 * Container logs as text lines (`<timestamp> <stdout|stderr> <text>`), filtered here so that only
 * matching lines cross the network. Flow control as for terminals: past a window of unacked text
 * the Docker stream is paused.
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

  /** Resolves once Docker accepted the request; lines follow through the sink, then `end`. */
  async open(req: TLogsOpen): Promise<void> {
    if (this.streams.has(req.streamId)) throw new StreamError("LIMIT", "Stream id already in use");
    if (this.streams.size >= MAX_STREAMS) throw new StreamError("LIMIT", `This host already serves ${MAX_STREAMS} log streams`);
    const target = await findBusinessContainer(this.engine, this.hostId, req.setId, req.container, { mustRun: false });
    const s: TLogStream = { id: req.streamId, unacked: 0, paused: false, closed: false };
    this.streams.set(s.id, s);
    try {
      const tty = await containerHasTty(this.engine, target.id);
      s.docker = await openContainerLogs(this.engine, target.id, { tail: req.tail, since: req.since, follow: req.follow });
      // Closed by the console while Docker was still answering.
      if (s.closed) return s.docker.close();
      this.pump(s, s.docker.stream, tty, req.q);
    } catch (err) {
      this.streams.delete(s.id);
      throw err;
    }
  }

  private pump(s: TLogStream, docker: Readable, tty: boolean, q: string | undefined): void {
    const keep = lineFilter(q);
    let batch = "";
    let flushScheduled = false;
    const flush = () => {
      flushScheduled = false;
      if (!batch || s.closed) return;
      const data = batch;
      batch = "";
      const bytes = Buffer.byteLength(data);
      s.unacked += bytes;
      this.sink.chunk(s.id, data, () => {
        s.unacked -= bytes;
        if (s.paused && s.unacked <= STREAM_LIMITS.logsWindowBytes / 4 && !s.closed) {
          s.paused = false;
          docker.resume();
        }
      });
      if (!s.paused && s.unacked >= STREAM_LIMITS.logsWindowBytes) {
        s.paused = true;
        docker.pause();
      }
    };
    const parser = new LogLineParser(STREAM_LIMITS.maxLogLine, (line) => {
      if (!keep(line)) return;
      batch += formatLogLine(line);
      if (batch.length >= CHUNK_BYTES) flush();
      else if (!flushScheduled) {
        // Everything Docker handed over in this tick goes out as one chunk.
        flushScheduled = true;
        setImmediate(flush);
      }
    });
    const demux = new FrameDemuxer((stream, payload) => parser.push(stream, payload));
    docker.on("data", (chunk: Buffer) => (tty ? parser.push("stdout", chunk) : demux.push(chunk)));
    docker.once("end", () => {
      parser.flush();
      flush();
      this.finish(s, "end of log");
    });
    docker.once("close", () => this.finish(s, "end of log"));
    docker.once("error", (err: Error) => this.finish(s, s.closed ? "closed" : `Docker log stream failed: ${err.message}`));
  }

  private finish(s: TLogStream, reason: string): void {
    if (this.streams.get(s.id) !== s) return;
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
    s.docker?.close();
    console.log(`[agent] log stream ${streamId} closed by the console`);
  }

  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.close(id);
  }
}

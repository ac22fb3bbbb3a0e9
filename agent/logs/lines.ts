import { StringDecoder } from "node:string_decoder";

/**
 * Pure helpers for Docker's attach/logs byte streams: the 8-byte frame header of non-TTY
 * containers, and the `<RFC3339Nano> <text>` lines that `timestamps=1` produces. Kept free of
 * dockerode so they can be tested on bytes alone.
 */

export type TStreamName = "stdout" | "stderr";
/** `event`: a line Berth inserts into a followed log (the container stopped, started again). */
export type TLineKind = TStreamName | "event";

/**
 * Splits Docker's multiplexed stream ([type, 0, 0, 0, size u32 BE] + payload) into frames. A frame
 * may arrive in pieces and several may share one chunk; the buffer holds at most one partial
 * frame header or payload.
 */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: TStreamName, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    while (this.pending.length - offset >= 8) {
      const type = this.pending[offset];
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - 8 < size) break;
      const payload = this.pending.subarray(offset + 8, offset + 8 + size);
      offset += 8 + size;
      // 0 = stdin (never sent back), 1 = stdout, 2 = stderr; 3 = a system error Docker reports in-band.
      this.onFrame(type === 2 || type === 3 ? "stderr" : "stdout", payload);
    }
    this.pending = offset === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(offset);
  }
}

export interface TLogLine {
  ts: string;
  stream: TLineKind;
  text: string;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;
const TRUNCATED = " …[line cut at 16 KiB]";

/**
 * Turns framed (or raw TTY) log bytes into lines. Docker splits lines longer than 16 KiB into
 * several messages, each with its own timestamp; the continuation's timestamp is dropped so the
 * line reads whole. Lines longer than `maxLine` are cut so one line cannot hold unbounded memory.
 */
export class LogLineParser {
  private readonly decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  private readonly partial: Record<TStreamName, { ts: string; text: string; cut: boolean } | null> = { stdout: null, stderr: null };
  private lastTs = "";

  constructor(
    private readonly maxLine: number,
    private readonly onLine: (line: TLogLine) => void,
  ) {}

  /** One Docker message (a frame); for TTY containers, any chunk of the raw stream. */
  push(stream: TStreamName, bytes: Buffer): void {
    let text = this.decoders[stream].write(bytes);
    while (text.length > 0) {
      const current = this.partial[stream];
      const m = TIMESTAMP.exec(text);
      let ts: string;
      if (m && current === null) {
        ts = m[1];
        text = text.slice(m[0].length);
      } else if (m && current !== null) {
        // A continuation of a split line carries its own timestamp: keep the first one.
        ts = current.ts;
        text = text.slice(m[0].length);
      } else {
        ts = current?.ts ?? this.lastTs;
      }
      const nl = text.indexOf("\n");
      const piece = nl >= 0 ? text.slice(0, nl) : text;
      text = nl >= 0 ? text.slice(nl + 1) : "";
      const line = current ?? { ts, text: "", cut: false };
      if (!line.cut) {
        line.text += piece;
        if (line.text.length > this.maxLine) {
          line.text = line.text.slice(0, this.maxLine) + TRUNCATED;
          line.cut = true;
        }
      }
      if (nl >= 0) {
        this.partial[stream] = null;
        this.emit(stream, line.ts, line.text);
      } else {
        this.partial[stream] = line;
      }
    }
  }

  /** The stream ended: a last line without a newline is still a line. */
  flush(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.decoders[stream].end();
      if (rest) this.push(stream, Buffer.from(rest, "utf8"));
      const line = this.partial[stream];
      this.partial[stream] = null;
      if (line && line.text.length > 0) this.emit(stream, line.ts, line.text);
    }
  }

  private emit(stream: TStreamName, ts: string, text: string): void {
    this.lastTs = ts || this.lastTs;
    this.onLine({ ts, stream, text: text.endsWith("\r") ? text.slice(0, -1) : text });
  }
}

/** `2026-01-02T03:04:05.123456789Z stdout hello`: the format of the logs endpoint, one per line. */
export function formatLogLine(l: TLogLine): string {
  return `${l.ts || "-"} ${l.stream} ${l.text}\n`;
}

/** A case-insensitive plain substring match: no patterns, so the cost is linear and bounded. */
export function lineFilter(q: string | undefined): (l: TLogLine) => boolean {
  if (!q) return () => true;
  const needle = q.toLowerCase();
  return (l) => l.text.toLowerCase().includes(needle);
}

/**
 * Docker's `since` for "strictly after this line": Docker keeps lines at or after `since`
 * (seconds.nanoseconds), so one nanosecond is added to the line's own timestamp. Null when the
 * timestamp cannot be read (then the caller falls back to whole seconds).
 */
export function sinceAfter(ts: string): string | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (!m) return null;
  const sec = Date.parse(`${m[1]}Z`) / 1000;
  if (Number.isNaN(sec)) return null;
  const ns = Number((m[2] ?? "").padEnd(9, "0")) + 1;
  return ns >= 1e9 ? `${sec + 1}.000000000` : `${sec}.${String(ns).padStart(9, "0")}`;
}

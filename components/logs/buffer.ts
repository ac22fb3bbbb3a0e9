/** Client-side log buffer: bounded, so a chatty container cannot grow the page without limit. */

export interface TViewLine {
  /** Monotonic number, a stable React key while old lines fall off the front. */
  seq: number;
  ts: string;
  stream: "stdout" | "stderr";
  text: string;
}

const LINE = /^(\S+) (stdout|stderr) (.*)$/;

/** One line of the logs endpoint (`<ts> <stdout|stderr> <text>`); anything else is kept as text. */
export function parseLogLine(raw: string, seq: number): TViewLine {
  const m = LINE.exec(raw);
  if (!m) return { seq, ts: "", stream: "stdout", text: raw };
  return { seq, ts: m[1], stream: m[2] as "stdout" | "stderr", text: m[3] };
}

export class LogBuffer {
  private lines: TViewLine[] = [];
  private seq = 0;
  /** Lines that fell off the front since the last clear. */
  dropped = 0;
  private partial = "";
  /** Time (ms) of the newest line kept: where a resumed stream picks up. */
  newestMs = 0;
  /** After a reconnect, lines up to this time (ms) were already shown and are skipped. */
  skipThroughMs = 0;

  constructor(readonly max: number) {}

  get length(): number {
    return this.lines.length;
  }

  at(i: number): TViewLine | undefined {
    return this.lines[i];
  }

  /** Feeds decoded text; complete lines are parsed and kept, the rest waits for more. */
  write(text: string): void {
    const parts = (this.partial + text).split("\n");
    this.partial = parts.pop() ?? "";
    for (const p of parts) if (p) this.keep(parseLogLine(p, this.seq++));
    // Trim in batches: one splice per ~10 % instead of a shift per line.
    if (this.lines.length > this.max * 1.1) {
      const extra = this.lines.length - this.max;
      this.lines.splice(0, extra);
      this.dropped += extra;
    }
  }

  /** The stream ended: a last line without newline still counts. */
  end(): void {
    if (this.partial) this.keep(parseLogLine(this.partial, this.seq++));
    this.partial = "";
  }

  private keep(line: TViewLine): void {
    const ms = Date.parse(line.ts);
    if (!Number.isNaN(ms)) {
      // Resuming asks from the whole second before; a line in the very millisecond of the last
      // one shown is taken as already shown (timestamps are per line, so that is rare).
      if (ms <= this.skipThroughMs) return;
      if (ms > this.newestMs) this.newestMs = ms;
    }
    this.lines.push(line);
  }

  clear(): void {
    this.lines = [];
    this.partial = "";
    this.dropped = 0;
    this.newestMs = 0;
    this.skipThroughMs = 0;
  }
}

/** Client-side log buffer: bounded, so a chatty container cannot grow the page without limit. */

export interface TViewLine {
  /** Monotonic number, a stable React key while old lines fall off the front. */
  seq: number;
  ts: string;
  /** `event`: Berth's own note in a followed log (the container stopped, or runs again). */
  stream: "stdout" | "stderr" | "event";
  /** Which container (`web`) or set and container (`shop-2/web`) a merged log's line is from. */
  source: string;
  text: string;
}

const LINE = /^(\S+) (stdout|stderr|event) (.*)$/;
const MERGED_LINE = /^(\S+) (\S+) (stdout|stderr|event) (.*)$/;

/**
 * One line of a logs endpoint: `<ts> <stream> <text>`, or `<ts> <source> <stream> <text>` for
 * merged logs; anything else is kept as text.
 */
export function parseLogLine(raw: string, seq: number, merged = false): TViewLine {
  const m = (merged ? MERGED_LINE : LINE).exec(raw);
  if (!m) return { seq, ts: "", stream: "stdout", source: "", text: raw };
  const [, ts, ...rest] = m;
  const [source, stream, text] = merged ? rest : ["", ...rest];
  return { seq, ts, stream: stream as TViewLine["stream"], source, text };
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

  /** Reads `<ts> <source> <stream> <text>` lines, kept in time order across their sources. */
  merged = false;

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
    for (const p of parts) if (p) this.keep(parseLogLine(p, this.seq++, this.merged));
    // Trim in batches: one splice per ~10 % instead of a shift per line.
    if (this.lines.length > this.max * 1.1) {
      const extra = this.lines.length - this.max;
      this.lines.splice(0, extra);
      this.dropped += extra;
    }
  }

  /** The stream ended: a last line without newline still counts. */
  end(): void {
    if (this.partial) this.keep(parseLogLine(this.partial, this.seq++, this.merged));
    this.partial = "";
  }

  private keep(line: TViewLine): void {
    const ms = Date.parse(line.ts);
    if (!Number.isNaN(ms)) {
      // Resuming asks from the whole second before; a line in the very millisecond of the last
      // one shown is taken as already shown (timestamps are per line, so that is rare).
      if (ms <= this.skipThroughMs) return;
      if (ms > this.newestMs) this.newestMs = ms;
      // Merged sources arrive each in its own order (a tail from each, then live lines): put a
      // line that is older than the last one where it belongs. Mostly near the end, so cheap.
      const last = this.lines.at(-1);
      if (this.merged && last && ms < Date.parse(last.ts)) {
        let lo = 0;
        let hi = this.lines.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (Date.parse(this.lines[mid].ts) <= ms) lo = mid + 1;
          else hi = mid;
        }
        this.lines.splice(lo, 0, line);
        return;
      }
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

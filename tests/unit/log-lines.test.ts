import { describe, expect, it } from "vitest";
import { FrameDemuxer, formatLogLine, lineFilter, LogLineParser, sinceAfter, type TLogLine, type TStreamName } from "@/agent/logs/lines";
import { LogBuffer, parseLogLine } from "@/components/logs/buffer";
import { sinceSeconds, ZLogsQuery } from "@/lib/protocol/streams";

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === "string" ? Buffer.from(text) : text;
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

function parseAll(chunks: Buffer[], maxLine = 1000): TLogLine[] {
  const lines: TLogLine[] = [];
  const parser = new LogLineParser(maxLine, (l) => lines.push(l));
  const demux = new FrameDemuxer((s, p) => parser.push(s, p));
  for (const c of chunks) demux.push(c);
  parser.flush();
  return lines;
}

const TS = "2026-01-02T03:04:05.123456789Z";

describe("FrameDemuxer", () => {
  it("splits frames that arrive whole, merged or one byte at a time", () => {
    const bytes = Buffer.concat([frame(1, "a\n"), frame(2, "bb\n"), frame(1, "")]);
    for (const size of [bytes.length, 1, 3, 9]) {
      const got: Array<[TStreamName, string]> = [];
      const d = new FrameDemuxer((s, p) => got.push([s, p.toString()]));
      for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
      expect(got).toEqual([["stdout", "a\n"], ["stderr", "bb\n"], ["stdout", ""]]);
    }
  });
});

describe("LogLineParser", () => {
  it("reads timestamps, marks stderr and keeps the order", () => {
    const lines = parseAll([frame(1, `${TS} hello\n`), frame(2, `${TS} oops\n`), frame(1, `${TS} two\n`)]);
    expect(lines).toEqual([
      { ts: TS, stream: "stdout", text: "hello" },
      { ts: TS, stream: "stderr", text: "oops" },
      { ts: TS, stream: "stdout", text: "two" },
    ]);
    expect(lines.map(formatLogLine).join("")).toBe(`${TS} stdout hello\n${TS} stderr oops\n${TS} stdout two\n`);
  });

  it("joins a line Docker split into partial messages, dropping the continuation's timestamp", () => {
    const later = "2026-01-02T03:04:06.000000000Z";
    expect(parseAll([frame(1, `${TS} first half `), frame(1, `${later} second half\n`)])).toEqual([
      { ts: TS, stream: "stdout", text: "first half second half" },
    ]);
  });

  it("does not split a multi-byte character cut between frames", () => {
    const text = Buffer.from(`${TS} grüße\n`);
    const cut = text.indexOf(Buffer.from("ü")) + 1;
    expect(parseAll([frame(1, text.subarray(0, cut)), frame(1, text.subarray(cut))])).toEqual([{ ts: TS, stream: "stdout", text: "grüße" }]);
  });

  it("cuts an endless line at the limit and still ends it at its newline", () => {
    const lines = parseAll([frame(1, `${TS} ${"x".repeat(50)}`), frame(1, "y".repeat(50)), frame(1, "z\n"), frame(1, `${TS} next\n`)], 20);
    expect(lines).toHaveLength(2);
    expect(lines[0].text.startsWith("x".repeat(20))).toBe(true);
    expect(lines[0].text).toContain("line cut");
    expect(lines[1].text).toBe("next");
  });

  it("keeps a last line without newline, and strips CR", () => {
    expect(parseAll([frame(1, `${TS} crlf\r\n`), frame(2, `${TS} tail`)])).toEqual([
      { ts: TS, stream: "stdout", text: "crlf" },
      { ts: TS, stream: "stderr", text: "tail" },
    ]);
  });
});

describe("lineFilter", () => {
  it("is a case-insensitive substring test with no pattern syntax", () => {
    const l = (text: string): TLogLine => ({ ts: TS, stream: "stdout", text });
    expect(lineFilter("ERROR")(l("an error here"))).toBe(true);
    expect(lineFilter(".*")(l("anything"))).toBe(false);
    expect(lineFilter(".*")(l("literal .* here"))).toBe(true);
    expect(lineFilter(undefined)(l("x"))).toBe(true);
  });
});

describe("logs query", () => {
  it("bounds tail and q, reads follow flags, rejects unknown parameters", () => {
    expect(ZLogsQuery.parse({})).toMatchObject({ tail: 1000 });
    expect(ZLogsQuery.parse({ tail: "5", follow: "1", q: "x" })).toMatchObject({ tail: 5, follow: true, q: "x" });
    expect(ZLogsQuery.safeParse({ tail: "10001" }).success).toBe(false);
    expect(ZLogsQuery.safeParse({ q: "x".repeat(201) }).success).toBe(false);
    expect(ZLogsQuery.safeParse({ regex: "1" }).success).toBe(false);
    expect(ZLogsQuery.safeParse({ since: "yesterday" }).success).toBe(false);
  });

  it("turns since into unix seconds", () => {
    const now = Date.parse("2026-01-02T03:00:00Z");
    expect(sinceSeconds(undefined, now)).toBe(0);
    expect(sinceSeconds("1700000000", now)).toBe(1_700_000_000);
    expect(sinceSeconds("15m", now)).toBe(now / 1000 - 900);
    expect(sinceSeconds("2026-01-02T02:00:00Z", now)).toBe(now / 1000 - 3600);
  });
});

describe("sinceAfter", () => {
  it("is one nanosecond after a line's own timestamp, in Docker's seconds.nanoseconds", () => {
    const sec = Date.parse("2026-01-02T03:04:05Z") / 1000;
    expect(sinceAfter(TS)).toBe(`${sec}.123456790`);
    expect(sinceAfter("2026-01-02T03:04:05.5Z")).toBe(`${sec}.500000001`);
    expect(sinceAfter("2026-01-02T03:04:05Z")).toBe(`${sec}.000000001`);
    expect(sinceAfter("2026-01-02T03:04:05.999999999Z")).toBe(`${sec + 1}.000000000`);
    expect(sinceAfter("")).toBeNull();
    expect(sinceAfter("yesterday")).toBeNull();
  });
});

describe("the viewer's buffer", () => {
  it("reads single and merged lines, event lines included", () => {
    expect(parseLogLine(`${TS} stderr boom`, 1)).toEqual({ seq: 1, ts: TS, stream: "stderr", source: "", text: "boom" });
    expect(parseLogLine(`${TS} shop-2/web event container restarted`, 2, true)).toEqual({
      seq: 2, ts: TS, stream: "event", source: "shop-2/web", text: "container restarted",
    });
    // Without the merged flag a source-looking word is part of the text.
    expect(parseLogLine(`${TS} stdout stdout twice`, 3)).toMatchObject({ stream: "stdout", text: "stdout twice" });
  });

  it("keeps merged sources in time order as their tails arrive one after the other", () => {
    const b = new LogBuffer(100);
    b.merged = true;
    b.write("2026-01-02T03:00:01.000Z web stdout w1\n2026-01-02T03:00:03.000Z web stdout w3\n");
    b.write("2026-01-02T03:00:00.000Z db stdout d0\n2026-01-02T03:00:02.000Z db stdout d2\n2026-01-02T03:00:04.000Z db stdout d4\n");
    expect(Array.from({ length: b.length }, (_, i) => b.at(i)?.text)).toEqual(["d0", "w1", "d2", "w3", "d4"]);
  });
});

"use client";

import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { LogBuffer, type TViewLine } from "./buffer";
import { VirtualLines } from "./VirtualLines";

const MAX_LINES = 5000;
const ROW_HEIGHT = 20;
const INITIAL_TAIL = 1000;
/** A resumed stream asks for everything since the last line shown, up to the API's bound. */
const MAX_TAIL = 10_000;
/** Bytes of log text taken per ~frame at most (≈ 8 MB/s, far above what anyone reads). */
const READ_BUDGET_PER_FRAME = 128 * 1024;

type TStatus =
  | { kind: "loading" }
  | { kind: "live" }
  | { kind: "paused" }
  | { kind: "reconnecting"; why: string }
  | { kind: "error"; message: string };

/** The container picker's value for "every container of the set, merged". */
const ALL = "*";

/** What the viewer reads: one container, all of a set's (merged), or all of an app's sets (merged). */
export type TLogTarget = { setId: string; containers: string[]; initialContainer?: string } | { app: { team: string; name: string } };

function logsPath(target: TLogTarget, container: string, params: Record<string, string>): string {
  const qs = new URLSearchParams(params);
  if ("app" in target) return `/api/v1/teams/${encodeURIComponent(target.app.team)}/apps/${encodeURIComponent(target.app.name)}/logs?${qs}`;
  const set = `/api/v1/sets/${encodeURIComponent(target.setId)}`;
  return container === ALL ? `${set}/logs?${qs}` : `${set}/containers/${encodeURIComponent(container)}/logs?${qs}`;
}

/** Berth's `event` lines, as the gap marker they stand for. */
function eventText(l: TViewLine): string {
  const at = clock(l.ts).slice(0, 8);
  return `— ${l.text}${at ? ` at ${at}` : ""} —`;
}

function clock(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Marks every occurrence of `q` (case-insensitive, plain text) in `text`. */
function Highlight({ text, q }: { text: string; q: string }) {
  if (!q) return <>{text}</>;
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  const parts: ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0 && parts.length < 200; i = lower.indexOf(needle, at)) {
    if (i > at) parts.push(text.slice(at, i));
    parts.push(
      <mark key={i} className="rounded-sm bg-amber-200 text-inherit dark:bg-amber-500/40">
        {text.slice(i, i + needle.length)}
      </mark>,
    );
    at = i + needle.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

const STATUS_STYLE: Record<TStatus["kind"], string> = {
  loading: "bg-blue-50 text-blue-800 ring-blue-600/30 dark:bg-blue-500/10 dark:text-blue-300",
  reconnecting: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-500/10 dark:text-amber-300",
  live: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-500/10 dark:text-emerald-300",
  paused: "bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300",
  error: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-500/10 dark:text-red-300",
};
const STATUS_WORD: Record<TStatus["kind"], string> = {
  loading: "Connecting…",
  live: "Live",
  paused: "Paused",
  reconnecting: "Reconnecting…",
  error: "Error",
};

const BUTTON =
  "inline-flex h-8 items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2.5 text-xs font-medium text-zinc-900 hover:bg-zinc-50 " +
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800";

/**
 * A container's logs (or all of a set's or an app's containers, merged with a source column): the
 * last lines, then live ones while following, across container restarts (the server marks the
 * gap). The buffer keeps the last 5 000 lines and the list renders only what is on screen, so a
 * container printing thousands of lines a second costs the page one repaint per frame. Search
 * runs on the server (`q`), so it finds matches beyond what the buffer holds (up to 10 000 lines
 * back).
 */
export function LogViewer(props: TLogTarget) {
  const containers = "app" in props ? [] : props.containers;
  const [container, setContainer] = useState("app" in props ? ALL : (props.initialContainer ?? containers[0] ?? ""));
  const merged = "app" in props || container === ALL;
  // The target's identity as a value, so a parent re-render with an equal target keeps the stream.
  const targetKey = "app" in props ? `app:${props.app.team}/${props.app.name}` : `set:${props.setId}`;
  const target = useRef(props);
  target.current = props;
  const [follow, setFollow] = useState(true);
  const [queryInput, setQueryInput] = useState("");
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState<TStatus>({ kind: "loading" });
  const [stick, setStick] = useState(true);
  const [version, setVersion] = useState(0);
  /** Bumped by "Resume" to restart the stream. */
  const [generation, setGeneration] = useState(0);
  const buffer = useRef(new LogBuffer(MAX_LINES));
  const frame = useRef<number | null>(null);

  // Many chunks a frame become one React update.
  const repaint = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setVersion((v) => v + 1);
    });
  }, []);

  useEffect(() => {
    const t = setTimeout(() => setQuery(queryInput.trim()), 300);
    return () => clearTimeout(t);
  }, [queryInput]);

  useEffect(() => {
    if (!container) return;
    const abort = new AbortController();
    const b = buffer.current;
    b.clear();
    b.merged = merged;
    repaint();
    setStatus({ kind: "loading" });
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    // A followed stream that breaks (network blip, console restart) comes back by itself and
    // resumes after the newest line shown; a plain read that fails just says so.
    const retry = (why: string) => {
      if (abort.signal.aborted) return;
      if (!follow) return setStatus({ kind: "error", message: why });
      const delay = Math.min(10_000, 500 * 2 ** attempt++);
      setStatus({ kind: "reconnecting", why });
      retryTimer = setTimeout(() => void run(true), delay);
    };

    const run = async (resume: boolean): Promise<void> => {
      const resuming = resume && b.newestMs > 0;
      const params: Record<string, string> = { tail: String(resuming ? MAX_TAIL : INITIAL_TAIL), follow: follow ? "1" : "0" };
      if (resuming) {
        params.since = String(Math.floor(b.newestMs / 1000));
        b.skipThroughMs = b.newestMs;
      }
      if (query) params.q = query;
      let res: Response;
      try {
        res = await fetch(logsPath(target.current, container, params), { signal: abort.signal, cache: "no-store" });
      } catch (err) {
        return retry(`the console is unreachable (${(err as Error).message})`);
      }
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        const message = body?.error?.message ?? `HTTP ${res.status}`;
        // 5xx (agent unreachable, console restarting) is worth another try; 4xx is an answer.
        return res.status >= 500 ? retry(message) : setStatus({ kind: "error", message });
      }
      attempt = 0;
      setStatus(follow ? { kind: "live" } : { kind: "paused" });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let sinceYield = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          b.write(decoder.decode(value, { stream: true }));
          repaint();
          // A firehose must not starve the page: past a budget per frame, pause reading. The
          // server then holds the rest back (flow control reaches Docker), and nothing piles up.
          sinceYield += value.byteLength;
          if (sinceYield >= READ_BUDGET_PER_FRAME) {
            sinceYield = 0;
            await new Promise((r) => setTimeout(r, 16));
          }
        }
      } catch (err) {
        b.end();
        repaint();
        return retry(`the log stream broke (${(err as Error).message})`);
      }
      b.end();
      repaint();
      // The server follows across restarts, so a followed stream that ends lost its host's agent
      // or the console: while Following is on, it comes back by itself.
      if (follow) retry("the log stream ended (its host's agent or the console went away)");
    };

    void run(false);
    return () => {
      abort.abort();
      clearTimeout(retryTimer);
    };
  }, [targetKey, container, merged, follow, query, repaint, generation]);

  useEffect(
    () => () => {
      // Reset too: React's dev double-mount would otherwise leave a cancelled frame "pending" forever.
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    },
    [],
  );

  const b = buffer.current;
  const renderRow = (i: number) => {
    const l: TViewLine | undefined = b.at(i);
    if (!l) return null;
    if (l.stream === "event") {
      return (
        <div
          key={l.seq}
          data-testid="log-gap"
          className="flex justify-center whitespace-pre px-3 font-sans font-medium text-amber-800 dark:text-amber-300"
          style={{ height: ROW_HEIGHT, lineHeight: `${ROW_HEIGHT}px` }}
          title={`${l.source ? `${l.source}: ` : ""}${l.ts}`}
        >
          {l.source ? `${l.source} ` : ""}
          {eventText(l)}
        </div>
      );
    }
    const err = l.stream === "stderr";
    return (
      <div
        key={l.seq}
        className={`flex gap-3 whitespace-pre px-3 ${err ? "bg-red-50/70 dark:bg-red-950/40" : ""}`}
        style={{ height: ROW_HEIGHT, lineHeight: `${ROW_HEIGHT}px` }}
      >
        <span className="shrink-0 text-zinc-500 dark:text-zinc-400" title={l.ts}>
          {clock(l.ts)}
        </span>
        <span
          className={`w-10 shrink-0 text-center font-semibold ${err ? "text-red-700 dark:text-red-300" : "text-zinc-400 dark:text-zinc-500"}`}
          title={err ? "standard error" : "standard output"}
        >
          {err ? "err" : "out"}
        </span>
        {merged && (
          <span className={`${"app" in props ? "w-44" : "w-28"} shrink-0 truncate text-blue-700 dark:text-blue-300`} title={l.source}>
            {l.source}
          </span>
        )}
        <span className={err ? "text-red-900 dark:text-red-200" : ""}>
          <Highlight text={l.text} q={query} />
        </span>
      </div>
    );
  };

  const download = logsPath(props, container, { tail: "10000", download: "1", ...(query ? { q: query } : {}) });

  return (
    <section className="flex flex-col gap-2" aria-label="Container logs">
      <div className="flex flex-wrap items-center gap-2">
        {containers.length > 1 && (
          <label className="flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
            Container
            <select
              className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-xs dark:border-zinc-700 dark:bg-zinc-900"
              value={container}
              onChange={(e) => setContainer(e.target.value)}
            >
              <option value={ALL}>All containers</option>
              {containers.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
        <label className="flex min-w-56 flex-1 items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
          <span className="sr-only">Search logs</span>
          <input
            type="search"
            value={queryInput}
            onChange={(e) => setQueryInput(e.target.value)}
            maxLength={200}
            placeholder="Search (plain text, case-insensitive, on the server)"
            className="h-8 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-xs text-zinc-900 placeholder:text-zinc-400 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
          />
        </label>
        <button type="button" className={BUTTON} aria-pressed={follow} onClick={() => setFollow((f) => !f)} title="Keep streaming new lines">
          <span aria-hidden className={`size-2 rounded-full ${follow ? "bg-emerald-500" : "bg-zinc-400"}`} />
          {follow ? "Following" : "Follow"}
        </button>
        {!follow && (
          <button type="button" className={BUTTON} onClick={() => setGeneration((g) => g + 1)}>
            Reload
          </button>
        )}
        <a className={BUTTON} href={download} download>
          Download
        </a>
        <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[status.kind]}`}>
          {STATUS_WORD[status.kind]}
        </span>
      </div>
      {status.kind === "error" && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-xs text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {status.message}
        </p>
      )}
      <div className="relative">
      <VirtualLines
        label={"app" in props ? `Logs of ${props.app.name}` : merged ? "Logs of all containers" : `Logs of ${container}`}
        count={b.length}
        rowHeight={ROW_HEIGHT}
        renderRow={renderRow}
        stickToBottom={stick}
        onStickChange={setStick}
        version={version}
        className="h-[28rem] overflow-auto rounded-md border border-zinc-200 bg-zinc-50 font-mono text-xs text-zinc-900 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-100"
      />
      {b.length === 0 && (status.kind === "live" || status.kind === "paused" || status.kind === "loading") && (
        <p role="status" className="pointer-events-none absolute inset-x-0 top-1/3 text-center text-sm text-zinc-500 dark:text-zinc-400">
          {status.kind === "loading" ? "Connecting…" : status.kind === "live" ? "Connected — no output yet" : query ? "No matching lines" : "No output"}
        </p>
      )}
      {(!stick || !follow) && (
        <button
          type="button"
          className={`${BUTTON} absolute bottom-3 right-5 shadow-md`}
          onClick={() => {
            setFollow(true);
            setStick(true);
          }}
        >
          <span aria-hidden>↓</span> Jump to live
        </button>
      )}
      </div>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        {b.length.toLocaleString("en-US")} lines
        {query ? ` matching “${query}”` : ""}
        {b.dropped > 0 ? ` · ${b.dropped.toLocaleString("en-US")} older lines left the ${MAX_LINES.toLocaleString("en-US")}-line buffer (Download has the last 10 000)` : ""}
        {status.kind === "reconnecting" ? ` · ${status.why}` : ""}
      </p>
    </section>
  );
}

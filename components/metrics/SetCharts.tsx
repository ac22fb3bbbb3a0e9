"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { acquireUiSocket, releaseUiSocket } from "@/components/realtime/ui-socket";
import type { TAck } from "@/lib/protocol/events";
import type { TMetricsHistory, TSetMetrics } from "@/lib/protocol/metrics";
import { MetricChart, type TLimit, type TLine } from "./MetricChart";
import { LIVE_WINDOW_MS, SeriesBuffer, chartData, chartWindow, colourOf } from "./series";

type TRange = "live" | "1h" | "24h" | "7d";
const RANGES: Array<{ value: TRange; label: string }> = [
  { value: "live", label: "Live" },
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
];

type TStatus =
  | { kind: "loading" }
  | { kind: "live" }
  | { kind: "history"; stepSeconds: number }
  | { kind: "reconnecting"; message?: string }
  | { kind: "error"; message: string };

const SUBSCRIBE_TIMEOUT_MS = 10_000;
const NET_COLOUR = "#64748b";
const RANGE_MS: Record<TRange, number> = { live: LIVE_WINDOW_MS, "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 };
/** Idle CPU stays near the floor of a 0–10 % axis instead of filling it with noise. */
const CPU_MIN_TOP = 10;

async function fetchHistory(setId: string, range: "15m" | "1h" | "24h" | "7d"): Promise<TMetricsHistory> {
  const res = await fetch(`/api/v1/sets/${encodeURIComponent(setId)}/metrics?range=${range}`, {
    credentials: "same-origin",
    headers: { accept: "application/json" },
  });
  const body = (await res.json()) as TMetricsHistory | { error?: { message?: string } };
  if (!res.ok || !("containers" in body)) {
    throw new Error(("error" in body && body.error?.message) || `Metrics could not be loaded (HTTP ${res.status})`);
  }
  return body;
}

/**
 * Live and historical charts of one set: CPU, memory against its limit, the set's network and
 * block IO per container. Live samples arrive once a second over the /ui socket and go into a
 * buffer held in a ref; only this component re-renders, and each chart only when its rows change.
 */
export function SetCharts({ setId, containers, cpuLimits = {} }: { setId: string; containers: string[]; cpuLimits?: Record<string, number> }) {
  const [range, setRange] = useState<TRange>("live");
  const [scaleToLimit, setScaleToLimit] = useState(false);
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<TStatus>({ kind: "loading" });
  const buffer = useRef(new SeriesBuffer());
  const newest = useRef(0);
  const fetchedAt = useRef(0);

  useEffect(() => {
    let cancelled = false;
    const b = buffer.current;
    const bump = () => setVersion((v) => v + 1);
    b.reset();
    newest.current = 0;
    bump();
    setStatus({ kind: "loading" });

    if (range !== "live") {
      fetchHistory(setId, range).then(
        (h) => {
          if (cancelled) return;
          b.reset(h);
          fetchedAt.current = Date.now();
          bump();
          setStatus({ kind: "history", stepSeconds: h.stepSeconds });
        },
        (err: unknown) => !cancelled && setStatus({ kind: "error", message: (err as Error).message }),
      );
      return () => {
        cancelled = true;
      };
    }

    // Live: the console's last 15 minutes first, then the socket. Samples that arrive before the
    // backfill are held so the two never interleave out of order.
    let early: TSetMetrics[] | null = [];
    const take = (s: TSetMetrics) => {
      b.add(s);
      newest.current = Math.max(newest.current, s.at);
    };
    fetchHistory(setId, "15m")
      .then((h) => {
        if (cancelled) return;
        b.reset(h);
        for (const c of h.containers) for (const p of c.points) newest.current = Math.max(newest.current, p.at);
      })
      .catch((err: unknown) => console.warn("metrics backfill failed", err))
      .finally(() => {
        if (cancelled) return;
        for (const s of early ?? []) take(s);
        early = null;
        bump();
      });

    const socket = acquireUiSocket();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const subscribe = () => {
      // An answer lost on a flaky link must not leave the charts waiting forever: ask again.
      socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit("metrics:subscribe", { setId }, (err: Error | null, ack: TAck<null>) => {
        if (cancelled) return;
        if (err) {
          setStatus({ kind: "reconnecting", message: "The console did not answer; asking again" });
          if (socket.connected) retry = setTimeout(subscribe, 1000);
          return;
        }
        setStatus(ack.ok ? { kind: "live" } : { kind: "error", message: ack.error.message });
      });
    };
    // Subscriptions belong to a connection: after a reconnect, ask again.
    const onConnect = () => {
      clearTimeout(retry);
      subscribe();
    };
    const onDisconnect = () => {
      // A retry would be buffered and sent after the reconnect, beside the connect handler's own ask.
      clearTimeout(retry);
      if (!cancelled) setStatus({ kind: "reconnecting" });
    };
    const onConnectError = (err: Error) => !cancelled && setStatus({ kind: "reconnecting", message: err.message });
    const onSample = (s: TSetMetrics) => {
      if (s.setId !== setId) return;
      if (early) {
        early.push(s);
        return;
      }
      take(s);
      bump();
    };
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    socket.on("connect_error", onConnectError);
    socket.on("metrics:sample", onSample);
    // The tab's socket may be up already (set events opened it): no connect event is coming then.
    if (socket.connected) subscribe();
    return () => {
      cancelled = true;
      clearTimeout(retry);
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      socket.off("connect_error", onConnectError);
      socket.off("metrics:sample", onSample);
      // The socket outlives these charts: give the watch back (the console releases the agent's
      // watch when its last subscriber goes).
      if (socket.connected) socket.emit("metrics:unsubscribe", { setId }, () => undefined);
      releaseUiSocket();
    };
  }, [setId, range]);

  const liveFrom = range === "live" ? (newest.current || Date.now()) - LIVE_WINDOW_MS : 0;
  // `version` changes when the buffer (a ref) did: rebuild the rows then, and only then.
  const data = useMemo(() => chartData(buffer.current, containers, liveFrom), [version, containers, liveFrom]); // eslint-disable-line react-hooks/exhaustive-deps
  // From the first sample up to the range: live scrolls with the newest sample; history ends when
  // it was fetched. A set that is only two minutes old fills the chart with its two minutes.
  const first = Math.min(...[data.cpu[0]?.t, data.memory[0]?.t].filter((t): t is number => typeof t === "number"));
  const domain = chartWindow(Number.isFinite(first) ? first : 0, range === "live" ? newest.current : fetchedAt.current, RANGE_MS[range]);

  const lines = useMemo(() => {
    const per = (prefix: string, suffix = "", dashed = false): TLine[] =>
      containers.map((n, i) => ({ key: `${prefix}:${n}`, name: `${n}${suffix}`, colour: colourOf(i), dashed }));
    return {
      cpu: per("cpu"),
      memory: containers.flatMap((n, i): TLine[] => [
        { key: `mem:${n}`, name: n, colour: colourOf(i) },
        { key: `limit:${n}`, name: `${n} limit`, colour: colourOf(i), dashed: true, readout: false },
      ]),
      network: [
        { key: "rx", name: "received", colour: NET_COLOUR },
        { key: "tx", name: "sent", colour: NET_COLOUR, dashed: true },
      ] satisfies TLine[],
      blockIo: containers.flatMap((n, i): TLine[] => [
        { key: `read:${n}`, name: `${n} read`, colour: colourOf(i) },
        { key: `write:${n}`, name: `${n} write`, colour: colourOf(i), dashed: true },
      ]),
    };
  }, [containers]);
  // Containers with the same limit share one line (two labels on one line would overprint).
  const cpuLimitLines = useMemo((): TLimit[] => {
    const byValue = new Map<number, { names: string[]; colour: string }>();
    containers.forEach((n, i) => {
      if (!cpuLimits[n]) return;
      const value = cpuLimits[n] * 100;
      const line = byValue.get(value) ?? { names: [], colour: colourOf(i) };
      line.names.push(n);
      byValue.set(value, line);
    });
    const shared = byValue.size === 1 && containers.length > 1;
    return [...byValue].map(([value, l]) => ({ value, label: shared ? "limit" : `${l.names.join(", ")} limit`, colour: shared ? NET_COLOUR : l.colour }));
  }, [containers, cpuLimits]);

  return (
    <section aria-label="Metrics" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700">
          {RANGES.map((r) => (
            <button
              key={r.value}
              type="button"
              aria-pressed={range === r.value}
              onClick={() => setRange(r.value)}
              className={`rounded px-3 py-1 text-sm ${
                range === r.value
                  ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
                  : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
              }`}
            >
              {r.label}
            </button>
          ))}
        </div>
        <StatusLine status={status} />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <MetricChart
          title="CPU"
          unit="%"
          hint="percent of one core · dashed: the limit"
          data={data.cpu}
          lines={lines.cpu}
          range={range}
          domain={domain}
          minTop={CPU_MIN_TOP}
          limits={cpuLimitLines}
          scaleToLimit={scaleToLimit}
          controls={
            cpuLimitLines.length > 0 && (
              <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
                <input type="checkbox" checked={scaleToLimit} onChange={(e) => setScaleToLimit(e.target.checked)} />
                Scale to limit
              </label>
            )
          }
        />
        <MetricChart title="Memory" unit="MiB" hint="dashed: the container's limit" data={data.memory} lines={lines.memory} range={range} domain={domain} />
        <MetricChart title="Network" unit="KB/s" hint="the set's network, shared by its containers" data={data.network} lines={lines.network} range={range} domain={domain} />
        <MetricChart title="Block IO" unit="KB/s" hint="solid: read · dashed: write" data={data.blockIo} lines={lines.blockIo} range={range} domain={domain} />
      </div>
    </section>
  );
}

function StatusLine({ status }: { status: TStatus }) {
  const base = "inline-flex items-center gap-1.5 text-xs";
  switch (status.kind) {
    case "live":
      return (
        <span className={`${base} text-emerald-700 dark:text-emerald-400`} role="status">
          <span aria-hidden className="size-2 animate-pulse rounded-full bg-emerald-500" /> Live · every second
        </span>
      );
    case "history":
      return <span className={`${base} text-zinc-600 dark:text-zinc-400`}>{status.stepSeconds >= 60 ? `${status.stepSeconds / 60}-minute` : `${status.stepSeconds}-second`} averages</span>;
    case "reconnecting":
      return (
        <span className={`${base} text-amber-700 dark:text-amber-400`} role="status">
          Connection lost; reconnecting…{status.message ? ` (${status.message})` : ""}
        </span>
      );
    case "error":
      return (
        <span className={`${base} text-red-700 dark:text-red-400`} role="alert">
          {status.message}
        </span>
      );
    default:
      return <span className={`${base} text-zinc-500`}>Loading…</span>;
  }
}

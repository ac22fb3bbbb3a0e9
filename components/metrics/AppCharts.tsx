"use client";

import { useEffect, useMemo, useState } from "react";
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TMetricsHistory } from "@/lib/protocol/metrics";
import { appRows, type TSetHistory } from "./app-series";
import { TOOLTIP_STYLE } from "./MetricChart";
import { chartWindow, colourOf, formatTime, formatValue, latestValues, timeTicks, yTop, type TRow } from "./series";

type TRange = "15m" | "1h" | "24h";
const RANGES: Array<{ value: TRange; label: string; ms: number }> = [
  { value: "15m", label: "15 min", ms: 900_000 },
  { value: "1h", label: "1 h", ms: 3_600_000 },
  { value: "24h", label: "24 h", ms: 86_400_000 },
];
const BAND = "#94a3b8";
/** The recent window is re-read this often (the set page has the per-second live charts). */
const REFRESH_MS = 15_000;

async function history(setId: string, range: TRange): Promise<TMetricsHistory> {
  const res = await fetch(`/api/v1/sets/${encodeURIComponent(setId)}/metrics?range=${range}`, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`Metrics could not be loaded (HTTP ${res.status})`);
  return (await res.json()) as TMetricsHistory;
}

/**
 * All sets of an app on one chart per metric: a line per set (its containers summed) and a band
 * from the median to the maximum across sets, so one set running hot stands out from the rest.
 */
export function AppCharts({ sets }: { sets: Array<{ id: string; name: string }> }) {
  const [range, setRange] = useState<TRange>("15m");
  const [loaded, setLoaded] = useState<{ at: number; sets: TSetHistory[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = sets.map((s) => s.id).join(",");

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      Promise.all(sets.map(async (s) => ({ set: s.name, history: await history(s.id, range) }))).then(
        (got) => {
          if (cancelled) return;
          setLoaded({ at: Date.now(), sets: got });
          setError(null);
        },
        (err: unknown) => !cancelled && setError((err as Error).message),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [key, range]); // eslint-disable-line react-hooks/exhaustive-deps

  const rows = useMemo(() => {
    if (!loaded) return null;
    const step = Math.max(10, ...loaded.sets.map((s) => s.history.stepSeconds)) * 1000;
    return appRows(loaded.sets, step);
  }, [loaded]);
  const ms = RANGES.find((r) => r.value === range)?.ms ?? 900_000;
  const names = sets.map((s) => s.name);

  return (
    <section aria-label="App metrics" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700">
          {RANGES.map((r) => (
            <button
              key={r.value}
              type="button"
              aria-pressed={range === r.value}
              onClick={() => setRange(r.value)}
              className={`rounded px-3 py-1 text-sm ${range === r.value ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
            >
              {r.label}
            </button>
          ))}
        </div>
        {error ? (
          <span role="alert" className="text-xs text-red-700 dark:text-red-400">
            {error}
          </span>
        ) : (
          <span className="text-xs text-zinc-600 dark:text-zinc-400">{loaded ? "band: median to maximum across sets" : "Loading…"}</span>
        )}
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <AppChart title="CPU" unit="%" hint="each set's containers summed, percent of one core" data={rows?.cpu ?? []} names={names} windowMs={ms} at={loaded?.at ?? 0} minTop={10} range={range} />
        <AppChart title="Memory" unit="MiB" hint="each set's containers summed" data={rows?.memory ?? []} names={names} windowMs={ms} at={loaded?.at ?? 0} minTop={0} range={range} />
      </div>
    </section>
  );
}

function AppChart({ title, unit, hint, data, names, windowMs, at, minTop, range }: { title: string; unit: string; hint: string; data: TRow[]; names: string[]; windowMs: number; at: number; minTop: number; range: string }) {
  const domain = chartWindow(data[0]?.t ?? 0, at, windowMs);
  const now = latestValues(data, names);
  const band = useMemo(() => data.map((r) => ({ ...r, band: [r.p50, r.max] })), [data]);
  return (
    <figure data-metric={`app-${title}`} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <figcaption className="mb-1 flex flex-wrap items-baseline justify-between gap-x-2">
        <span className="text-sm font-medium">{title}</span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</span>
      </figcaption>
      {data.length > 0 && (
        <dl data-testid="chart-readout" className="mb-1 flex flex-wrap gap-x-3 text-xs tabular-nums">
          {names.map((n, i) => (
            <div key={n} className="flex items-baseline gap-1">
              <dt className="flex items-center gap-1 text-zinc-600 dark:text-zinc-400">
                <span aria-hidden className="inline-block w-3 border-t-2" style={{ borderColor: colourOf(i) }} />
                {n}
              </dt>
              <dd className="font-medium">{now[n] === null ? "–" : `${formatValue(now[n] as number)} ${unit}`}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="h-52 text-zinc-500 dark:text-zinc-400">
        {data.length === 0 ? (
          <div className="flex h-full items-center justify-center text-sm">No data in this range yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={band} margin={{ top: 4, right: 8, bottom: 0, left: 4 }}>
              <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={domain ?? ["dataMin", "dataMax"]}
                ticks={domain ? timeTicks(domain[0], domain[1]) : undefined}
                allowDataOverflow
                tickFormatter={(t: number) => formatTime(t, range === "15m" ? "live" : range)}
                tick={{ fill: "currentColor", fontSize: 11 }}
                stroke="currentColor"
                strokeOpacity={0.3}
                minTickGap={40}
              />
              <YAxis
                width={56}
                tick={{ fill: "currentColor", fontSize: 11 }}
                stroke="currentColor"
                strokeOpacity={0.3}
                tickFormatter={(v: number) => formatValue(v)}
                domain={[0, (max: number) => yTop(max, minTop, null, false)]}
              />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={(t) => formatTime(Number(t), "live")}
                formatter={(v) => (Array.isArray(v) ? `${formatValue(Number(v[0]))}–${formatValue(Number(v[1]))} ${unit}` : `${formatValue(Number(v))} ${unit}`)}
                contentStyle={TOOLTIP_STYLE}
                labelStyle={{ color: "var(--chart-tooltip-fg)" }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} iconType="plainline" />
              <Area dataKey="band" name="median–max" stroke="none" fill={BAND} fillOpacity={0.25} isAnimationActive={false} />
              {names.map((n, i) => (
                <Line key={n} dataKey={n} name={n} stroke={colourOf(i)} strokeWidth={1.5} dot={data.length < 3 ? { r: 2.5 } : false} isAnimationActive={false} connectNulls />
              ))}
            </ComposedChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}

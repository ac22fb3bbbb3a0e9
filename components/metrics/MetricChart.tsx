"use client";

import { memo, useMemo, type ReactNode } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatTime, formatValue, latestValues, timeTicks, yTop, type TRow } from "./series";

export interface TLine {
  key: string;
  name: string;
  colour: string;
  dashed?: boolean;
  /** Shown in the current-value readout above the chart (limits are not: they do not move). */
  readout?: boolean;
}

/** A horizontal limit (a container's CPU limit): a dashed line, named in the readout. */
export interface TLimit {
  value: number;
  label: string;
  colour: string;
}

// The tooltip follows the theme (recharts paints a white box by default); see globals.css.
export const TOOLTIP_STYLE = {
  fontSize: 12,
  borderRadius: 6,
  backgroundColor: "var(--chart-tooltip-bg)",
  border: "1px solid var(--chart-tooltip-border)",
  color: "var(--chart-tooltip-fg)",
};

interface TProps {
  title: string;
  unit: string;
  /** A sentence under the title for what is not obvious (percent of one core, shared network). */
  hint?: string;
  data: TRow[];
  lines: TLine[];
  range: string;
  /** Fixed x extent for live charts, so the axis scrolls steadily instead of jumping. */
  domain?: [number, number];
  /** The y axis reaches at least this high (CPU: 10 %, so idle noise stays flat). */
  minTop?: number;
  limits?: TLimit[];
  /** Stretch the y axis to the highest limit. */
  scaleToLimit?: boolean;
  /** Controls beside the title (the CPU chart's "Scale to limit"). */
  controls?: ReactNode;
}

/**
 * One metric, one chart. No animation (a line that re-animates every second is noise), no dots,
 * units on the y axis and in the tooltip; memoised so a chart re-renders only when its own data
 * changes.
 */
export const MetricChart = memo(function MetricChart({ title, unit, hint, data, lines, range, domain, minTop = 0, limits = [], scaleToLimit = false, controls }: TProps) {
  const [from, to] = domain ?? [data[0]?.t ?? 0, data[data.length - 1]?.t ?? 0];
  const shown = lines.filter((l) => l.readout !== false);
  const now = useMemo(() => latestValues(data, shown.map((l) => l.key)), [data, shown]);
  const topLimit = limits.length ? Math.max(...limits.map((l) => l.value)) : null;
  return (
    <figure data-metric={title} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <figcaption className="mb-1 flex flex-wrap items-baseline justify-between gap-x-2">
        <span className="text-sm font-medium">{title}</span>
        {hint && <span className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</span>}
        {controls}
      </figcaption>
      {data.length > 0 && (
        <dl data-testid="chart-readout" className="mb-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs tabular-nums">
          {shown.map((l) => (
            <div key={l.key} className="flex items-baseline gap-1">
              <dt className="flex items-center gap-1 text-zinc-600 dark:text-zinc-400">
                <span aria-hidden className={`inline-block w-3 border-t-2 ${l.dashed ? "border-dashed" : ""}`} style={{ borderColor: l.colour }} />
                {l.name}
              </dt>
              <dd className="font-medium">{now[l.key] === null ? "–" : `${formatValue(now[l.key] as number)} ${unit}`}</dd>
            </div>
          ))}
          {limits.map((l) => (
            <div key={l.label} className="flex items-baseline gap-1 text-zinc-600 dark:text-zinc-400">
              <dt>{l.label}</dt>
              <dd>
                {formatValue(l.value)} {unit}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <div className="h-52 text-zinc-500 dark:text-zinc-400">
        {data.length === 0 ? (
          <div className="flex h-full items-center justify-center text-sm">No data in this range yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 4 }}>
              <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={domain ?? ["dataMin", "dataMax"]}
                ticks={timeTicks(from, to)}
                allowDataOverflow={Boolean(domain)}
                tickFormatter={(t: number) => formatTime(t, range)}
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
                label={{ value: unit, angle: -90, position: "insideLeft", fill: "currentColor", fontSize: 11, dy: 20 }}
                domain={[0, (dataMax: number) => yTop(dataMax, minTop, topLimit, scaleToLimit)]}
                allowDataOverflow={false}
              />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={(t) => formatTime(Number(t), range === "live" ? "live" : "7d")}
                formatter={(v) => `${formatValue(Number(v))} ${unit}`}
                contentStyle={TOOLTIP_STYLE}
                labelStyle={{ color: "var(--chart-tooltip-fg)" }}
              />
              {limits.map((l) => (
                <ReferenceLine
                  key={l.label}
                  y={l.value}
                  stroke={l.colour}
                  strokeDasharray="6 3"
                  strokeOpacity={0.8}
                  ifOverflow="hidden"
                  label={{ value: l.label, position: "insideTopRight", fill: "currentColor", fontSize: 10 }}
                />
              ))}
              <Legend wrapperStyle={{ fontSize: 12 }} iconType="plainline" />
              {lines.map((l) => (
                <Line
                  key={l.key}
                  dataKey={l.key}
                  name={l.name}
                  stroke={l.colour}
                  strokeWidth={1.5}
                  strokeDasharray={l.dashed ? "4 3" : undefined}
                  // A line needs two points: a young set's single rollup would be invisible.
                  dot={data.length < 3 ? { r: 2.5, fill: l.colour, strokeWidth: 0 } : false}
                  type="linear"
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
});

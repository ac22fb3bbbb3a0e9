"use client";

import { memo } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatTime, formatValue, timeTicks, type TRow } from "./series";

export interface TLine {
  key: string;
  name: string;
  colour: string;
  dashed?: boolean;
}

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
}

/**
 * One metric, one chart. No animation (a line that re-animates every second is noise), no dots,
 * units on the y axis and in the tooltip; memoised so a chart re-renders only when its own data
 * changes.
 */
export const MetricChart = memo(function MetricChart({ title, unit, hint, data, lines, range, domain }: TProps) {
  const [from, to] = domain ?? [data[0]?.t ?? 0, data[data.length - 1]?.t ?? 0];
  return (
    <figure data-metric={title} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <figcaption className="mb-2 flex items-baseline justify-between gap-2">
        <span className="text-sm font-medium">{title}</span>
        {hint && <span className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</span>}
      </figcaption>
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
                domain={[0, "auto"]}
              />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={(t) => formatTime(Number(t), range === "live" ? "live" : "7d")}
                formatter={(v) => `${formatValue(Number(v))} ${unit}`}
                contentStyle={{ fontSize: 12, borderRadius: 6 }}
              />
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

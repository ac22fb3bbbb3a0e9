import type { TPrincipal } from "../auth/principal";
import { loadSetFor } from "../apps/view";
import { db } from "../db";
import type { TMetricsHistory, TMetricsPoint, TMetricsRange } from "../protocol/metrics";
import { RANGE_MS, RANGE_STEP_SECONDS, ringPoints } from "./rollup";
import { metricsState } from "./state";
import { ZMetricsWindow, type TMetricsWindow } from "../protocol/cluster";
import { clusterUiNamespace } from "../realtime/broadcast";

interface TRollupBucket {
  container: string;
  t: number;
  cpu: number;
  cpuMax: number;
  mem: number;
  memMax: number;
  memLimit: number;
  rx: number;
  tx: number;
  rd: number;
  wr: number;
  pids: number;
}

// Minutes grouped into steps: CPU and memory weighted by samples, rates averaged per minute
// (each minute covers the same time), maxima kept. Floats out, so no BigInt reaches JSON.
const HISTORY_SQL = `
SELECT "container",
       (floor(extract(epoch FROM "at") / $3) * $3 * 1000)::float8 AS "t",
       (sum("cpuAvg" * "samples") / sum("samples"))::float8 AS "cpu",
       max("cpuMax")::float8 AS "cpuMax",
       (sum("memoryAvg"::float8 * "samples") / sum("samples"))::float8 AS "mem",
       max("memoryMax")::float8 AS "memMax",
       max("memoryLimit")::float8 AS "memLimit",
       avg("netRxRate")::float8 AS "rx",
       avg("netTxRate")::float8 AS "tx",
       avg("blkReadRate")::float8 AS "rd",
       avg("blkWriteRate")::float8 AS "wr",
       max("pidsMax")::float8 AS "pids"
FROM "MetricRollup"
WHERE "setId" = $1 AND "at" >= $2::timestamp(3)
GROUP BY 1, 2
ORDER BY 1, 2`;

function toPoint(b: TRollupBucket): TMetricsPoint {
  return {
    at: b.t,
    cpuPercent: b.cpu,
    cpuMaxPercent: b.cpuMax,
    memoryBytes: Math.round(b.mem),
    memoryMaxBytes: b.memMax,
    memoryLimitBytes: b.memLimit,
    netRxBytesPerSec: b.rx,
    netTxBytesPerSec: b.tx,
    blkReadBytesPerSec: b.rd,
    blkWriteBytesPerSec: b.wr,
    pids: b.pids,
  };
}

/** Containers in the set's own order, then any the data knows and the set no longer has. */
function ordered(names: string[], byName: Map<string, TMetricsPoint[]>): TMetricsHistory["containers"] {
  const all = [...names, ...[...byName.keys()].filter((n) => !names.includes(n))];
  return all.map((name) => ({ name, points: byName.get(name) ?? [] }));
}

async function fromRollups(setId: string, range: TMetricsRange, stepSeconds: number, now: number): Promise<Map<string, TMetricsPoint[]>> {
  const from = new Date(now - RANGE_MS[range]).toISOString();
  const rows = await db().$queryRawUnsafe<TRollupBucket[]>(HISTORY_SQL, setId, from, stepSeconds);
  const byName = new Map<string, TMetricsPoint[]>();
  for (const r of rows) {
    let list = byName.get(r.container);
    if (!list) {
      list = [];
      byName.set(r.container, list);
    }
    list.push(toPoint(r));
  }
  return byName;
}

/** This replica's 1-second window of the set since `since`, per container. */
export function localMetricsWindow(setId: string, since: number): TMetricsWindow {
  const rings = metricsState().rings.get(setId);
  return [...(rings ?? [])].map(([name, ring]) => ({ name, points: ringPoints(ring.since(since)) }));
}

/** The fullest window the other replicas hold of the set; empty on one replica or when they cannot say. */
export async function replicasMetricsWindow(setId: string, since: number): Promise<TMetricsWindow> {
  const ui = clusterUiNamespace();
  if (!ui) return [];
  const replies = await ui.serverSideEmitWithAck("metrics:window", { setId, since }).catch((err: unknown) => {
    console.warn(`[metrics] window of set ${setId} not had from the other replicas: ${(err as Error).message}`);
    return [];
  });
  const windows = replies.map((r) => ZMetricsWindow.safeParse(r)).flatMap((r) => (r.success ? [r.data] : []));
  const size = (w: TMetricsWindow) => w.reduce((n, c) => n + c.points.length, 0);
  return windows.sort((x, y) => size(y) - size(x))[0] ?? [];
}

/**
 * GET /api/v1/sets/{id}/metrics: 15m from the console's 1 s window (falling back to rollups when
 * the window is empty, e.g. right after a console restart); 1h, 24h and 7d from the rollups.
 */
export async function setMetricsHistory(p: TPrincipal, setId: string, range: TMetricsRange, now = Date.now()): Promise<TMetricsHistory> {
  const set = await loadSetFor(p, setId);
  const names = set.containers.map((c) => c.name);
  if (range === "15m") {
    const since = now - RANGE_MS["15m"];
    let window = localMetricsWindow(set.id, since);
    // With several replicas the window is kept by the one that receives the set's agent's batches.
    if (!window.some((c) => c.points.length > 0)) window = await replicasMetricsWindow(set.id, since);
    const byName = new Map(window.map((c) => [c.name, c.points]));
    if ([...byName.values()].some((points) => points.length > 0)) {
      return { setId: set.id, range, stepSeconds: 1, source: "memory", containers: ordered(names, byName) };
    }
  }
  const stepSeconds = RANGE_STEP_SECONDS[range];
  return { setId: set.id, range, stepSeconds, source: "rollup", containers: ordered(names, await fromRollups(set.id, range, stepSeconds, now)) };
}

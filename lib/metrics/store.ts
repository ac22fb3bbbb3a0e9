import { db } from "../db";
import { consoleProm } from "./prom";
import { MINUTE_MS, type TRollupRow } from "./rollup";
import { forgetIdleRings, metricsState } from "./state";


const COLUMNS = [
  "setId", "container", "at", "samples", "cpuAvg", "cpuMax", "memoryAvg", "memoryMax", "memoryLimit",
  "netRxRate", "netTxRate", "blkReadRate", "blkWriteRate", "pidsMax",
] as const;
const TYPES = ["text", "text", "timestamp(3)", "int4", "float8", "float8", "int8", "int8", "int8", "float8", "float8", "float8", "float8", "int4"];

/** Keeps one statement's parameters well under Postgres' limits. */
const CHUNK = 2000;

// One statement per chunk: unnest() turns 14 arrays into rows; the join drops rows of sets that
// no longer exist (a late batch for a deleted set), and re-flushing an open minute overwrites it.
const UPSERT = `
INSERT INTO "MetricRollup" (${COLUMNS.map((c) => `"${c}"`).join(", ")})
SELECT v.* FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(", ")}) AS v(${COLUMNS.map((c) => `"${c}"`).join(", ")})
JOIN "Set" s ON s."id" = v."setId"
ON CONFLICT ("setId", "container", "at") DO UPDATE SET
${COLUMNS.slice(3).map((c) => `  "${c}" = EXCLUDED."${c}"`).join(",\n")}`;

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

/** Column arrays for one chunk; bigints as decimal strings (they pass 2^31 and ^53-safe ints alike). */
export function upsertParams(rows: TRollupRow[]): unknown[] {
  return [
    rows.map((r) => r.setId),
    rows.map((r) => r.container),
    // Prisma keeps DateTime as UTC wall time in `timestamp`; a literal's `Z` is ignored by the cast.
    rows.map((r) => r.at.toISOString()),
    rows.map((r) => r.samples),
    rows.map((r) => finite(r.cpuAvg)),
    rows.map((r) => finite(r.cpuMax)),
    rows.map((r) => String(Math.round(finite(r.memoryAvg)))),
    rows.map((r) => String(Math.round(finite(r.memoryMax)))),
    rows.map((r) => String(Math.round(finite(r.memoryLimit)))),
    rows.map((r) => finite(r.netRxRate)),
    rows.map((r) => finite(r.netTxRate)),
    rows.map((r) => finite(r.blkReadRate)),
    rows.map((r) => finite(r.blkWriteRate)),
    rows.map((r) => Math.round(finite(r.pidsMax))),
  ];
}

/** Upserts every changed minute (the open one too, so history is at most one flush behind). */
export async function flushRollups(now = Date.now()): Promise<number> {
  const acc = metricsState().rollups;
  const batch = acc.dirty();
  const stop = consoleProm().flushSeconds.startTimer();
  try {
    for (let i = 0; i < batch.rows.length; i += CHUNK) {
      await db().$executeRawUnsafe(UPSERT, ...upsertParams(batch.rows.slice(i, i + CHUNK)));
    }
  } finally {
    stop();
  }
  acc.commit(batch, now);
  consoleProm().rowsWritten.inc(batch.rows.length);
  // The 15-minute window of containers that went quiet is of no use to anyone any more.
  forgetIdleRings(now - 15 * MINUTE_MS);
  return batch.rows.length;
}

/** Deletes rollups past the retention; returns how many. */
export async function pruneRollups(retentionDays: number, now = Date.now()): Promise<number> {
  const { count } = await db().metricRollup.deleteMany({ where: { at: { lt: new Date(now - retentionDays * 24 * 60 * MINUTE_MS) } } });
  consoleProm().rowsPruned.inc(count);
  return count;
}

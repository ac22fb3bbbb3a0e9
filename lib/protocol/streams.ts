import { z } from "zod";
import type { TAckFn } from "./ack";

/**
 * Console ↔ agent streams: terminal sessions (`exec:*`) and container logs (`logs:*`). Every
 * stream has an id chosen by the console; the agent answers only for ids the console opened on
 * that same connection. Data that flows towards the browser is acknowledged hop by hop, and the
 * agent stops reading Docker while too much is unacknowledged: that is the whole flow control.
 */

/** Bounds shared by both sides (and the browser). */
export const STREAM_LIMITS = {
  /** One terminal:input message; a paste larger than this is split by the client. */
  inputBytes: 64 * 1024,
  /** Input accepted by the console for one session but not yet written by the agent. */
  inputInFlightBytes: 1024 * 1024,
  /**
   * Output sent by the agent for one session and not yet acknowledged by the browser: what a
   * slow reader can make the console hold per session. Throughput is at most window ÷ round
   * trip, so it is sized for round trips of tens of milliseconds.
   */
  outputWindowBytes: 1024 * 1024,
  /** Below this the agent reads Docker again. */
  outputResumeBytes: 256 * 1024,
  /** Log text sent by the agent and not yet taken by the HTTP client. */
  logsWindowBytes: 512 * 1024,
  cols: 1000,
  rows: 1000,
  /** Open terminal sessions per browser connection. */
  sessionsPerSocket: 8,
  /** `tail` of the logs endpoint. */
  maxTail: 10_000,
  /** `q` of the logs endpoint: a plain substring, no patterns. */
  maxQuery: 200,
  /** Longer log lines are cut (with a marker) so a single line cannot grow without limit. */
  maxLogLine: 16 * 1024,
} as const;

export const ZStreamId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "a stream id");
const ZData = z.union([z.string().max(STREAM_LIMITS.inputBytes), z.instanceof(Uint8Array).refine((b) => b.byteLength <= STREAM_LIMITS.inputBytes)]);
const ZCols = z.number().int().min(1).max(STREAM_LIMITS.cols);
const ZRows = z.number().int().min(1).max(STREAM_LIMITS.rows);
const ZRef = z.string().min(1).max(64);

// ---- console → agent ----

export const ZExecOpen = z.strictObject({
  sessionId: ZStreamId,
  setId: ZRef,
  /** The business container's name in its set; the agent never opens the infra container. */
  container: ZRef,
  cols: ZCols,
  rows: ZRows,
});
export type TExecOpen = z.infer<typeof ZExecOpen>;
export const ZExecInput = z.strictObject({ sessionId: ZStreamId, data: ZData });
export type TExecInput = z.infer<typeof ZExecInput>;
export const ZExecResize = z.strictObject({ sessionId: ZStreamId, cols: ZCols, rows: ZRows });
export type TExecResize = z.infer<typeof ZExecResize>;
export const ZStreamClose = z.strictObject({ sessionId: ZStreamId });
/** `exec:ack` (console → agent, output consumed) and `exec:written` (agent → console, input written). */
export const ZExecAck = z.strictObject({ sessionId: ZStreamId, bytes: z.number().int().min(1).max(1 << 30) });

export const ZLogsOpen = z.strictObject({
  streamId: ZStreamId,
  setId: ZRef,
  container: ZRef,
  tail: z.number().int().min(0).max(STREAM_LIMITS.maxTail),
  /** Unix seconds; 0 = from the start of what `tail` keeps. */
  since: z.number().int().min(0),
  follow: z.boolean(),
  q: z.string().max(STREAM_LIMITS.maxQuery).optional(),
});
export type TLogsOpen = z.infer<typeof ZLogsOpen>;
export const ZLogsClose = z.strictObject({ streamId: ZStreamId });

// ---- agent → console ----

export const ZExecOutput = z.strictObject({ sessionId: ZStreamId, data: z.instanceof(Uint8Array) });
export const ZExecExit = z.strictObject({
  sessionId: ZStreamId,
  code: z.number().int().nullable(),
  reason: z.string().max(500),
});
export type TExecExit = z.infer<typeof ZExecExit>;
export const ZLogsChunk = z.strictObject({ streamId: ZStreamId, data: z.string() });
export const ZLogsEnd = z.strictObject({ streamId: ZStreamId, reason: z.string().max(500) });

export interface TExecOpened {
  /** Which shell runs: bash when the image has it, else sh. */
  shell: string;
}

/** Merged into TAgentServerToClient (lib/protocol/events.ts). */
export interface TAgentStreamServerToClient {
  "exec:open": (payload: TExecOpen, ack: TAckFn<TExecOpened>) => void;
  /** Written bytes come back as `exec:written` (input flow control). */
  "exec:input": (payload: TExecInput) => void;
  "exec:resize": (payload: TExecResize) => void;
  "exec:close": (payload: { sessionId: string }) => void;
  /** Output bytes the browser has consumed, summed up (one message per ~16 KiB or 50 ms). */
  "exec:ack": (payload: { sessionId: string; bytes: number }) => void;
  "logs:open": (payload: TLogsOpen, ack: TAckFn<null>) => void;
  "logs:close": (payload: { streamId: string }) => void;
}

/** Merged into TAgentClientToServer (lib/protocol/events.ts). */
export interface TAgentStreamClientToServer {
  /** Consumed bytes come back as `exec:ack` (output flow control). */
  "exec:output": (payload: unknown) => void;
  "exec:exit": (payload: unknown) => void;
  /** Input bytes handed to Docker, summed up (one message per ~16 KiB or 50 ms). */
  "exec:written": (payload: unknown) => void;
  /** Acked by the console once the HTTP client has taken the text. */
  "logs:chunk": (payload: unknown, ack: () => void) => void;
  "logs:end": (payload: unknown) => void;
}

// ---- HTTP: GET /api/v1/sets/{id}/containers/{name}/logs ----

const ZFlag = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");

export const ZLogsQuery = z.strictObject({
  tail: z.coerce.number().int().min(0).max(STREAM_LIMITS.maxTail).default(1000).describe("last N lines (≤ 10 000)"),
  since: z
    .string()
    .max(40)
    .regex(/^(\d{1,12}|\d{1,9}[smhd]|\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)?)$/, "unix seconds, a duration like 15m, or an ISO time")
    .optional()
    .describe("unix seconds, a duration back from now (30s, 15m, 2h, 1d) or an ISO time"),
  follow: ZFlag.optional().describe("1: keep streaming new lines until the container stops or the client leaves"),
  q: z.string().min(1).max(STREAM_LIMITS.maxQuery).optional().describe("only lines containing this text (case-insensitive, no patterns)"),
  download: ZFlag.optional().describe("1: answer as an attachment"),
});
export type TLogsQuery = z.infer<typeof ZLogsQuery>;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `since` as unix seconds (0 = unbounded); null when it is not a time. */
export function sinceSeconds(since: string | undefined, nowMs = Date.now()): number | null {
  if (!since) return 0;
  if (/^\d+$/.test(since)) return Number(since);
  const rel = /^(\d+)([smhd])$/.exec(since);
  if (rel) return Math.max(0, Math.floor(nowMs / 1000) - Number(rel[1]) * UNIT_SECONDS[rel[2] as keyof typeof UNIT_SECONDS]);
  const t = Date.parse(since);
  return Number.isNaN(t) ? null : Math.max(0, Math.floor(t / 1000));
}

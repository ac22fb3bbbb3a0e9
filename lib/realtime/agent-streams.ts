import { handlersOf } from "../protocol/ack";
import type { TAgentClientToServer } from "../protocol/events";
import { ZExecAck, ZExecExit, ZExecOutput, ZLogsChunk, ZLogsEnd, type TExecExit } from "../protocol/streams";
import type { TAgentSocket } from "./agents";

/**
 * Where data coming back from agents goes: one sink per open terminal session or log stream,
 * keyed by the id the console chose. A sink belongs to one host, so an agent can only feed the
 * streams the console opened on it.
 */
export type TStreamSink =
  | {
      kind: "exec";
      hostId: string;
      output(data: Buffer, ack: () => void): void;
      /** The agent handed `bytes` of input to Docker. */
      written(bytes: number): void;
      exit(e: TExecExit): void;
      agentGone(): void;
    }
  | {
      kind: "logs";
      hostId: string;
      chunk(data: string, ack: () => void): void;
      end(reason: string): void;
      agentGone(): void;
    };

// server.ts registers the agent handlers; route handlers (a separate module copy under Next)
// register sinks: both must see one map.
const holder = globalThis as unknown as { berthStreamSinks?: Map<string, TStreamSink> };
function sinks(): Map<string, TStreamSink> {
  holder.berthStreamSinks ??= new Map();
  return holder.berthStreamSinks;
}

/** Registers a sink; the returned function removes it (idempotent). */
export function registerSink(id: string, sink: TStreamSink): () => void {
  if (sinks().has(id)) throw new Error(`stream id ${id} is already registered`);
  sinks().set(id, sink);
  return () => {
    if (sinks().get(id) === sink) sinks().delete(id);
  };
}

export function openSinkCount(): number {
  return sinks().size;
}

function sinkFor<K extends TStreamSink["kind"]>(id: string, hostId: string, kind: K): Extract<TStreamSink, { kind: K }> | null {
  const sink = sinks().get(id);
  return sink && sink.kind === kind && sink.hostId === hostId ? (sink as Extract<TStreamSink, { kind: K }>) : null;
}

/** Consumed output is reported to the agent in sums, not per chunk: a keystroke's echo then costs no extra message. */
const CREDIT_BYTES = 16 * 1024;
const CREDIT_DELAY_MS = 50;

/** One line in io.ts: the agent → console half of terminals and logs. */
export function attachAgentStreams(socket: TAgentSocket, hostId: string): void {
  const credit = new Map<string, { bytes: number; timer: NodeJS.Timeout | null }>();
  const flushCredit = (sessionId: string) => {
    const c = credit.get(sessionId);
    if (!c) return;
    credit.delete(sessionId);
    if (c.timer) clearTimeout(c.timer);
    if (socket.connected) socket.emit("exec:ack", { sessionId, bytes: c.bytes });
  };
  const consumed = (sessionId: string, bytes: number) => {
    const c = credit.get(sessionId) ?? { bytes: 0, timer: null };
    credit.set(sessionId, c);
    c.bytes += bytes;
    if (c.bytes >= CREDIT_BYTES) flushCredit(sessionId);
    else c.timer ??= setTimeout(() => flushCredit(sessionId), CREDIT_DELAY_MS);
  };

  const on = handlersOf<TAgentClientToServer>(socket);
  on.notification("exec:output", ZExecOutput, ({ sessionId, data }) => {
    const sink = sinkFor(sessionId, hostId, "exec");
    // Unknown session (already ended): credit it anyway so the agent's window does not stay full.
    if (!sink) return consumed(sessionId, data.byteLength);
    sink.output(Buffer.from(data.buffer, data.byteOffset, data.byteLength), () => consumed(sessionId, data.byteLength));
  });
  on.notification("exec:written", ZExecAck, (w) => sinkFor(w.sessionId, hostId, "exec")?.written(w.bytes));
  on.notification("exec:exit", ZExecExit, (e) => sinkFor(e.sessionId, hostId, "exec")?.exit(e));
  socket.on("logs:chunk", (payload, ack) => {
    const done = typeof ack === "function" ? ack : () => undefined;
    const parsed = ZLogsChunk.safeParse(payload);
    const sink = parsed.success ? sinkFor(parsed.data.streamId, hostId, "logs") : null;
    if (!parsed.success || !sink) return done();
    sink.chunk(parsed.data.data, done);
  });
  on.notification("logs:end", ZLogsEnd, (e) => sinkFor(e.streamId, hostId, "logs")?.end(e.reason));
  socket.on("disconnect", () => {
    for (const c of credit.values()) if (c.timer) clearTimeout(c.timer);
    credit.clear();
    for (const sink of [...sinks().values()]) if (sink.hostId === hostId) sink.agentGone();
  });
}

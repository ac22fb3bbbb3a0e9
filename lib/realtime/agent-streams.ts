import { AppError } from "../errors";
import type { TAck } from "../protocol/events";
import { ZExecAck, ZExecExit, ZExecOutput, ZLogsChunk, ZLogsEnd, type TExecExit } from "../protocol/streams";
import { agentSocket, type TAgentSocket } from "./agents";

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

  socket.on("exec:output", (payload) => {
    const parsed = ZExecOutput.safeParse(payload);
    if (!parsed.success) return;
    const { sessionId, data } = parsed.data;
    const sink = sinkFor(sessionId, hostId, "exec");
    // Unknown session (already ended): credit it anyway so the agent's window does not stay full.
    if (!sink) return consumed(sessionId, data.byteLength);
    sink.output(Buffer.from(data.buffer, data.byteOffset, data.byteLength), () => consumed(sessionId, data.byteLength));
  });
  socket.on("exec:written", (payload) => {
    const parsed = ZExecAck.safeParse(payload);
    if (parsed.success) sinkFor(parsed.data.sessionId, hostId, "exec")?.written(parsed.data.bytes);
  });
  socket.on("exec:exit", (payload) => {
    const parsed = ZExecExit.safeParse(payload);
    if (parsed.success) sinkFor(parsed.data.sessionId, hostId, "exec")?.exit(parsed.data);
  });
  socket.on("logs:chunk", (payload, ack) => {
    const done = typeof ack === "function" ? ack : () => undefined;
    const parsed = ZLogsChunk.safeParse(payload);
    const sink = parsed.success ? sinkFor(parsed.data.streamId, hostId, "logs") : null;
    if (!parsed.success || !sink) return done();
    sink.chunk(parsed.data.data, done);
  });
  socket.on("logs:end", (payload) => {
    const parsed = ZLogsEnd.safeParse(payload);
    if (parsed.success) sinkFor(parsed.data.streamId, hostId, "logs")?.end(parsed.data.reason);
  });
  socket.on("disconnect", () => {
    for (const c of credit.values()) if (c.timer) clearTimeout(c.timer);
    credit.clear();
    for (const sink of [...sinks().values()]) if (sink.hostId === hostId) sink.agentGone();
  });
}

/**
 * A command to an agent that fails at once when the agent disconnects instead of waiting for the
 * ack timeout; agent-side error codes are kept in `details.agentCode`.
 */
export async function callAgent<T>(hostId: string, call: (s: TAgentSocket) => Promise<TAck<T>>, what: string): Promise<T> {
  const socket = agentSocket(hostId);
  const ack = await new Promise<TAck<T>>((resolve, reject) => {
    const onDisconnect = () => reject(new AppError("UNAVAILABLE", `The host's agent disconnected during ${what}`));
    socket.once("disconnect", onDisconnect);
    call(socket)
      .then(resolve, (err: unknown) => reject(new AppError("UNAVAILABLE", `The host's agent did not answer ${what}: ${(err as Error).message}`)))
      .finally(() => socket.off("disconnect", onDisconnect));
  });
  if (ack.ok) return ack.data;
  throw new AppError(agentErrorStatus(ack.error.code), ack.error.message, { agentCode: ack.error.code });
}

function agentErrorStatus(code: string): "NOT_FOUND" | "CONFLICT" | "VALIDATION" | "RATE_LIMITED" | "UNAVAILABLE" {
  switch (code) {
    case "NOT_FOUND":
      return "NOT_FOUND";
    case "NOT_RUNNING":
    case "NO_SHELL":
      return "CONFLICT";
    case "VALIDATION":
      return "VALIDATION";
    case "LIMIT":
      return "RATE_LIMITED";
    default:
      return "UNAVAILABLE";
  }
}

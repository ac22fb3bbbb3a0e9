import { handlersOf } from "../protocol/ack";
import { ZAgentPresence, ZLogsRelay, ZStreamRelay, type TStreamRelay } from "../protocol/cluster";
import type { TAgentClientToServer } from "../protocol/events";
import { ZExecAck, ZExecExit, ZExecOutput, ZLogsChunk, ZLogsEnd, type TExecExit } from "../protocol/streams";
import { clusterAgentNamespace, isAgentConnected, type TAgentSocket } from "./agents";
import { notifyAgent } from "./gateway";
import type { TAgentNamespace } from "./types";

/**
 * Where data coming back from agents goes: one sink per open terminal session or log stream,
 * keyed by the id the console chose. A sink belongs to one host, so an agent can only feed the
 * streams the console opened on it. With several replicas the sink may live on another replica
 * than the agent's socket: what finds no sink here is relayed to the others.
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
const holder = globalThis as unknown as {
  berthStreamSinks?: Map<string, TStreamSink>;
  berthStreamCredit?: Map<string, { hostId: string; sessionId: string; bytes: number; timer: NodeJS.Timeout | null }>;
};
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

function credits() {
  holder.berthStreamCredit ??= new Map();
  return holder.berthStreamCredit;
}

function flushCredit(key: string): void {
  const c = credits().get(key);
  if (!c) return;
  credits().delete(key);
  if (c.timer) clearTimeout(c.timer);
  // Sent wherever the agent is connected (this replica or another).
  notifyAgent(c.hostId, "exec:ack", { sessionId: c.sessionId, bytes: c.bytes });
}

function consumed(hostId: string, sessionId: string, bytes: number): void {
  const key = `${hostId}/${sessionId}`;
  const c = credits().get(key) ?? { hostId, sessionId, bytes: 0, timer: null };
  credits().set(key, c);
  c.bytes += bytes;
  if (c.bytes >= CREDIT_BYTES) flushCredit(key);
  else c.timer ??= setTimeout(() => flushCredit(key), CREDIT_DELAY_MS);
}

function dropCredits(hostId: string): void {
  for (const [key, c] of credits()) {
    if (c.hostId !== hostId) continue;
    if (c.timer) clearTimeout(c.timer);
    credits().delete(key);
  }
}

function agentGone(hostId: string): void {
  dropCredits(hostId);
  for (const sink of [...sinks().values()]) if (sink.hostId === hostId) sink.agentGone();
}

/** Delivers a stream message to its sink here; false when no sink here takes it. */
function deliver(m: TStreamRelay): boolean {
  switch (m.kind) {
    case "exec:output": {
      const sink = sinkFor(m.sessionId, m.hostId, "exec");
      if (!sink) return false;
      const data = Buffer.from(m.base64, "base64");
      sink.output(data, () => consumed(m.hostId, m.sessionId, data.byteLength));
      return true;
    }
    case "exec:written": {
      const sink = sinkFor(m.sessionId, m.hostId, "exec");
      sink?.written(m.bytes);
      return sink !== null;
    }
    case "exec:exit": {
      const sink = sinkFor(m.exit.sessionId, m.hostId, "exec");
      sink?.exit(m.exit);
      return sink !== null;
    }
    case "logs:end": {
      const sink = sinkFor(m.streamId, m.hostId, "logs");
      sink?.end(m.reason);
      return sink !== null;
    }
  }
}

/** Here if the sink is here, else to the replicas (one of which opened the stream). */
function deliverOrRelay(m: TStreamRelay): boolean {
  if (deliver(m)) return true;
  const ns = clusterAgentNamespace();
  if (!ns) return false;
  ns.serverSideEmit("relay:stream", m);
  return true;
}

/** One line in io.ts: the agent → console half of terminals and logs. */
export function attachAgentStreams(socket: TAgentSocket, hostId: string): void {
  const on = handlersOf<TAgentClientToServer>(socket);
  on.notification("exec:output", ZExecOutput, ({ sessionId, data }) => {
    const sink = sinkFor(sessionId, hostId, "exec");
    if (sink) return sink.output(Buffer.from(data.buffer, data.byteOffset, data.byteLength), () => consumed(hostId, sessionId, data.byteLength));
    const relayed = deliverOrRelay({ kind: "exec:output", hostId, sessionId, base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64") });
    // Unknown session (already ended): credit it anyway so the agent's window does not stay full.
    if (!relayed) consumed(hostId, sessionId, data.byteLength);
  });
  on.notification("exec:written", ZExecAck, (w) => deliverOrRelay({ kind: "exec:written", hostId, sessionId: w.sessionId, bytes: w.bytes }));
  on.notification("exec:exit", ZExecExit, (exit) => deliverOrRelay({ kind: "exec:exit", hostId, exit }));
  socket.on("logs:chunk", (payload, ack) => {
    const done = typeof ack === "function" ? ack : () => undefined;
    const parsed = ZLogsChunk.safeParse(payload);
    if (!parsed.success) return done();
    const sink = sinkFor(parsed.data.streamId, hostId, "logs");
    if (sink) return sink.chunk(parsed.data.data, done);
    const ns = clusterAgentNamespace();
    if (!ns) return done();
    // The agent sends the next chunk once this one is consumed, wherever its reader is.
    // Bounded by the adapter's request timeout (a few seconds): past it the agent may go on.
    ns.serverSideEmitWithAck("relay:logs", { hostId, streamId: parsed.data.streamId, data: parsed.data.data })
      .catch((err: unknown) => console.warn(`[streams] relayed log chunk of host ${hostId}: ${(err as Error).message}`))
      .finally(done);
  });
  on.notification("logs:end", ZLogsEnd, (e) => deliverOrRelay({ kind: "logs:end", hostId, streamId: e.streamId, reason: e.reason }));
  socket.on("disconnect", () => agentGone(hostId));
}

/**
 * The receiving half of the relay, once per replica: streams this replica opened on agents held
 * by others, and the others' news of agents coming and going.
 */
export function attachStreamRelay(ns: TAgentNamespace, onAgentConnected: (hostId: string) => void): void {
  ns.on("relay:stream", (message) => {
    const m = ZStreamRelay.safeParse(message);
    if (m.success) deliver(m.data);
  });
  ns.on("relay:logs", (message, ack) => {
    const m = ZLogsRelay.safeParse(message);
    const sink = m.success ? sinkFor(m.data.streamId, m.data.hostId, "logs") : null;
    if (!m.success || !sink) return ack(false);
    sink.chunk(m.data.data, () => ack(true));
  });
  ns.on("relay:agent", (message) => {
    const m = ZAgentPresence.safeParse(message);
    if (!m.success) return;
    // A late "gone" from the replica the agent left must not end streams on its new connection here.
    if (m.data.state === "gone") {
      if (!isAgentConnected(m.data.hostId)) agentGone(m.data.hostId);
    } else onAgentConnected(m.data.hostId);
  });
}

/** Tells the other replicas that this one now holds, or lost, the host's agent. */
export function announceAgent(hostId: string, state: "connected" | "gone"): void {
  clusterAgentNamespace()?.serverSideEmit("relay:agent", { hostId, state });
}

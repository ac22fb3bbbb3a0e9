import type { Socket } from "socket.io-client";
import type { TAck, TAgentClientToServer, TAgentServerToClient } from "../../lib/protocol/events";
import { ZExecAck, ZExecInput, ZExecOpen, ZExecResize, ZLogsClose, ZLogsOpen, ZStreamClose } from "../../lib/protocol/streams";
import type { DockerEngine } from "../docker/engine";
import { ExecJournal } from "../exec/journal";
import { ExecSessions } from "../exec/sessions";
import { LogStreams } from "../logs/streams";
import { StreamError } from "../sets/target";

type TAgentSocket = Socket<TAgentServerToClient, TAgentClientToServer>;

function failed(err: unknown): TAck<never> {
  if (err instanceof StreamError) return { ok: false, error: { code: err.code, message: err.message } };
  const status = (err as { statusCode?: number }).statusCode;
  // Docker answers 409 when the container stopped between our lookup and the exec.
  if (status === 409) return { ok: false, error: { code: "NOT_RUNNING", message: "The container is not running" } };
  return { ok: false, error: { code: "DOCKER", message: (err as Error).message ?? String(err) } };
}

const WRITTEN_REPORT_BYTES = 16 * 1024;
const WRITTEN_REPORT_MS = 50;

function invalid(message: string): TAck<never> {
  return { ok: false, error: { code: "VALIDATION", message } };
}

export interface TAgentStreams {
  readonly exec: ExecSessions;
  readonly logs: LogStreams;
  /** Ends every terminal session and log stream (agent stopping). */
  closeAll(why: string): Promise<void>;
}

/**
 * Terminal and log streams on the agent's console connection. Streams live as long as the
 * connection: when it drops, the console has already forgotten them, so they all end here too.
 */
export function attachStreams(socket: TAgentSocket, engine: DockerEngine, hostId: string, stateDir: string): TAgentStreams {
  const journal = new ExecJournal(stateDir);
  // Emitting on a disconnected socket.io client queues the packet for the next connection; a
  // stream's data is meaningless there, so it is dropped instead (the stream is ending anyway).
  const exec = new ExecSessions(engine, hostId, journal, {
    output: (sessionId, data) => socket.connected && socket.emit("exec:output", { sessionId, data }),
    exit: (e) => socket.connected && socket.emit("exec:exit", e),
  });
  const logs = new LogStreams(engine, hostId, {
    chunk: (streamId, data, ack) => (socket.connected ? socket.emit("logs:chunk", { streamId, data }, ack) : ack()),
    end: (streamId, reason) => socket.connected && socket.emit("logs:end", { streamId, reason }),
  });
  void exec.sweep(journal.takeLeftovers());

  socket.on("exec:open", (payload, ack) => {
    if (typeof ack !== "function") return;
    const parsed = ZExecOpen.safeParse(payload);
    if (!parsed.success) return ack(invalid(parsed.error.message));
    exec.open(parsed.data).then(
      (data) => ack({ ok: true, data }),
      (err: unknown) => ack(failed(err)),
    );
  });
  // Written input is reported in sums, so a keystroke costs no message of its own on the way back.
  const written = new Map<string, { bytes: number; timer: NodeJS.Timeout | null }>();
  const flushWritten = (sessionId: string) => {
    const w = written.get(sessionId);
    if (!w) return;
    written.delete(sessionId);
    if (w.timer) clearTimeout(w.timer);
    if (socket.connected) socket.emit("exec:written", { sessionId, bytes: w.bytes });
  };
  socket.on("exec:input", (payload) => {
    const parsed = ZExecInput.safeParse(payload);
    if (!parsed.success) return;
    const { sessionId, data } = parsed.data;
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
    // Written or failed (session gone), the console may count these bytes as no longer in flight.
    exec.input(parsed.data, () => {
      const w = written.get(sessionId) ?? { bytes: 0, timer: null };
      written.set(sessionId, w);
      w.bytes += bytes;
      if (w.bytes >= WRITTEN_REPORT_BYTES) flushWritten(sessionId);
      else w.timer ??= setTimeout(() => flushWritten(sessionId), WRITTEN_REPORT_MS);
    });
  });
  socket.on("exec:ack", (payload) => {
    const parsed = ZExecAck.safeParse(payload);
    if (parsed.success) exec.consumed(parsed.data.sessionId, parsed.data.bytes);
  });
  socket.on("exec:resize", (payload) => {
    const parsed = ZExecResize.safeParse(payload);
    if (parsed.success) exec.resize(parsed.data);
  });
  socket.on("exec:close", (payload) => {
    const parsed = ZStreamClose.safeParse(payload);
    if (parsed.success) void exec.close(parsed.data.sessionId, "closed by the console");
  });
  socket.on("logs:open", (payload, ack) => {
    if (typeof ack !== "function") return;
    const parsed = ZLogsOpen.safeParse(payload);
    if (!parsed.success) return ack(invalid(parsed.error.message));
    logs.open(parsed.data).then(
      () => ack({ ok: true, data: null }),
      (err: unknown) => ack(failed(err)),
    );
  });
  socket.on("logs:close", (payload) => {
    const parsed = ZLogsClose.safeParse(payload);
    if (parsed.success) logs.close(parsed.data.streamId);
  });
  socket.on("disconnect", () => {
    for (const w of written.values()) if (w.timer) clearTimeout(w.timer);
    written.clear();
    void exec.closeAll("the console connection dropped");
    logs.closeAll();
  });

  return {
    exec,
    logs,
    closeAll: async (why) => {
      logs.closeAll();
      await exec.closeAll(why);
    },
  };
}

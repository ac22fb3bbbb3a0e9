import type { Socket } from "socket.io-client";
import { handlersOf, type TAckError } from "../../lib/protocol/ack";
import type { TAgentClientToServer, TAgentServerToClient } from "../../lib/protocol/events";
import { ZExecAck, ZExecInput, ZExecOpen, ZExecResize, ZLogsClose, ZLogsOpen, ZStreamClose } from "../../lib/protocol/streams";
import type { DockerEngine } from "../docker/engine";
import { ExecJournal } from "../exec/journal";
import { ExecSessions } from "../exec/sessions";
import { LogStreams } from "../logs/streams";
import { dockerFailure } from "./failure";

type TAgentSocket = Socket<TAgentServerToClient, TAgentClientToServer>;

function streamFailure(err: unknown): TAckError {
  const status = (err as { statusCode?: number }).statusCode;
  // Docker answers 409 when the container stopped between our lookup and the exec.
  if (status === 409) return { code: "NOT_RUNNING", message: "The container is not running" };
  return dockerFailure(err);
}

const WRITTEN_REPORT_BYTES = 16 * 1024;
const WRITTEN_REPORT_MS = 50;

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

  const on = handlersOf<TAgentServerToClient>(socket, { unexpected: streamFailure });
  on.command("exec:open", ZExecOpen, (req) => exec.open(req));
  // Written input is reported in sums, so a keystroke costs no message of its own on the way back.
  const written = new Map<string, { bytes: number; timer: NodeJS.Timeout | null }>();
  const flushWritten = (sessionId: string) => {
    const w = written.get(sessionId);
    if (!w) return;
    written.delete(sessionId);
    if (w.timer) clearTimeout(w.timer);
    if (socket.connected) socket.emit("exec:written", { sessionId, bytes: w.bytes });
  };
  on.notification("exec:input", ZExecInput, (req) => {
    const { sessionId, data } = req;
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
    // Written or failed (session gone), the console may count these bytes as no longer in flight.
    exec.input(req, () => {
      const w = written.get(sessionId) ?? { bytes: 0, timer: null };
      written.set(sessionId, w);
      w.bytes += bytes;
      if (w.bytes >= WRITTEN_REPORT_BYTES) flushWritten(sessionId);
      else w.timer ??= setTimeout(() => flushWritten(sessionId), WRITTEN_REPORT_MS);
    });
  });
  on.notification("exec:ack", ZExecAck, (req) => exec.consumed(req.sessionId, req.bytes));
  on.notification("exec:resize", ZExecResize, (req) => exec.resize(req));
  on.notification("exec:close", ZStreamClose, (req) => void exec.close(req.sessionId, "closed by the console"));
  on.command("logs:open", ZLogsOpen, async (req) => {
    await logs.open(req);
    return null;
  });
  on.notification("logs:close", ZLogsClose, (req) => logs.close(req.streamId));
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

import { randomBytes } from "node:crypto";
import type { Socket } from "socket.io";
import { actorOf, recordAudit } from "../audit";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import { AppError } from "../errors";
import { toAck } from "../protocol/ack";
import type { TUiReplicaEvents } from "../protocol/cluster";
import { ZTerminalClose, ZTerminalInput, ZTerminalOpen, ZTerminalResize, type TUiClientToServer, type TUiServerToClient } from "../protocol/events";
import { STREAM_LIMITS, type TExecOpened } from "../protocol/streams";
import { registerSink } from "../realtime/agent-streams";
import { callAgent, notifyAgent } from "../realtime/gateway";
import { authorizeContainer, type TContainerTarget } from "../streams/access";
import { streamSlots } from "../streams/fair-use";
import { settings } from "../env";
import { onRecheck, refreshPrincipal } from "../auth/socket-access";

type TUiSocket = Socket<TUiClientToServer, TUiServerToClient, TUiReplicaEvents, { principal: TPrincipal }>;

interface TSession {
  id: string;
  socket: TUiSocket;
  principal: TPrincipal;
  target: TContainerTarget;
  shell: string;
  startedAt: number;
  bytesIn: number;
  bytesOut: number;
  /**
   * Output that arrived before the browser had the session id (the first prompt races the open
   * ack): held until the ack is out, then sent in order. Bounded by the agent's output window.
   */
  early: Array<[Buffer, () => void]> | null;
  /** Input accepted here and not yet written to Docker by the agent. */
  inputInFlight: number;
  lastDropNotice: number;
  pendingResize: { cols: number; rows: number } | null;
  resizeTimer: NodeJS.Timeout | null;
  recheck: NodeJS.Timeout;
  unregister: () => void;
  /** Gives back the user's and team's terminal slot (fair use). */
  releaseSlot: () => void;
  ended: boolean;
}

/** How often an open session re-checks that its user may still use it (env for tests). */
function recheckMs(): number {
  return settings().BERTH_TERMINAL_RECHECK_SECONDS * 1000;
}

/** Resizes coalesce: a dragged window sends dozens; the agent sees at most one per this. */
const RESIZE_EVERY_MS = 50;

/** Writes an audit row; resolves false (after logging) when it could not be written. */
async function audit(s: TSession, action: "terminal.start" | "terminal.end", details: Record<string, string | number | null>): Promise<boolean> {
  try {
    await db().$transaction((tx) =>
      recordAudit(tx, actorOf(s.principal), {
        teamId: s.target.teamId,
        action,
        // The target is the set (its id); the container is a detail, as in every other set event.
        targetType: "set",
        targetId: s.target.setId,
        details: { sessionId: s.id, app: s.target.appName, container: s.target.container, ...details },
      }),
    );
    return true;
  } catch (err) {
    console.error(`[terminal] audit ${action} of session ${s.id} failed`, err);
    return false;
  }
}

/**
 * Terminal sessions over `/ui`: `terminal:open` authorizes (MEMBER and above, business containers
 * of the caller's team), asks the set's agent for a TTY exec and relays bytes both ways with flow
 * control. A session ends, and its exec with it, when the browser closes it or leaves, the agent
 * drops, the shell or container stops, or a periodic re-check finds the user lost access.
 */
export function attachTerminal(socket: TUiSocket): void {
  const sessions = new Map<string, TSession>();

  function end(s: TSession, reason: string, code: number | null, tellAgent: boolean): void {
    if (s.ended) return;
    s.ended = true;
    sessions.delete(s.id);
    s.releaseSlot();
    clearInterval(s.recheck);
    if (s.resizeTimer) clearTimeout(s.resizeTimer);
    s.unregister();
    if (tellAgent) {
      // Not sent when the agent is gone: it ends its sessions itself when its connection drops.
      notifyAgent(s.target.hostId, "exec:close", { sessionId: s.id });
    }
    if (socket.connected) socket.emit("terminal:exit", { sessionId: s.id, code, reason });
    void audit(s, "terminal.end", { reason, code, durationMs: Date.now() - s.startedAt, bytesIn: s.bytesIn, bytesOut: s.bytesOut });
  }

  function notice(s: TSession, text: string): void {
    socket.emit("terminal:output", { sessionId: s.id, data: `\r\n\x1b[33m[berth] ${text}\x1b[0m\r\n` }, () => undefined);
  }

  async function stillAllowed(s: TSession): Promise<void> {
    if (s.ended) return;
    try {
      const p = await refreshPrincipal(s.principal);
      const now = await authorizeContainer(p, s.target.setId, s.target.container, "MEMBER");
      if (now.hostId !== s.target.hostId) end(s, "The set moved to another host", null, true);
    } catch (err) {
      if (err instanceof AppError && ["NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED"].includes(err.code)) {
        end(s, `Access revoked: ${err.message}`, null, true);
      } else {
        // A database hiccup is not a revocation; the next check decides.
        console.warn(`[terminal] session ${s.id}: access re-check failed: ${(err as Error).message}`);
      }
    }
  }

  function sendResize(s: TSession): void {
    s.resizeTimer = null;
    const size = s.pendingResize;
    if (!size || s.ended) return;
    s.pendingResize = null;
    if (!notifyAgent(s.target.hostId, "exec:resize", { sessionId: s.id, ...size })) return;
    s.resizeTimer = setTimeout(() => sendResize(s), RESIZE_EVERY_MS);
  }

  async function open(payload: unknown): Promise<TSession> {
    const parsed = ZTerminalOpen.safeParse(payload);
    if (!parsed.success) throw new AppError("VALIDATION", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const req = parsed.data;
    if (sessions.size >= STREAM_LIMITS.sessionsPerSocket) {
      throw new AppError("RATE_LIMITED", `At most ${STREAM_LIMITS.sessionsPerSocket} terminal sessions per connection`);
    }
    const principal = socket.data.principal;
    const target = await authorizeContainer(principal, req.setId, req.container, "MEMBER");
    const releaseSlot = streamSlots().acquire("terminal", principal.userId, target.teamId);
    const id = randomBytes(16).toString("base64url");
    const s: TSession = {
      id, socket, principal, target, shell: "", startedAt: Date.now(), bytesIn: 0, bytesOut: 0, early: [], inputInFlight: 0, lastDropNotice: 0,
      pendingResize: null, resizeTimer: null, recheck: setInterval(() => void stillAllowed(s), recheckMs()), unregister: () => undefined, releaseSlot, ended: false,
    };
    // The sink exists before the agent is asked, so the shell's first prompt is not lost.
    s.unregister = registerSink(id, {
      kind: "exec",
      hostId: target.hostId,
      output: (data, ack) => {
        if (s.ended || !socket.connected) return ack();
        if (s.early) return void s.early.push([data, ack]);
        s.bytesOut += data.length;
        // Acked by the browser once xterm has drawn it: the agent's window spans the whole path.
        socket.emit("terminal:output", { sessionId: id, data }, ack);
      },
      written: (bytes) => {
        s.inputInFlight = Math.max(0, s.inputInFlight - bytes);
      },
      exit: (e) => end(s, e.reason, e.code, false),
      agentGone: () => end(s, "The host's agent disconnected", null, false),
    });
    sessions.set(id, s);
    let opened: TExecOpened;
    try {
      opened = await callAgent(target.hostId, "exec:open", { sessionId: id, setId: target.setId, container: target.container, cols: req.cols, rows: req.rows });
    } catch (err) {
      s.ended = true;
      sessions.delete(id);
      releaseSlot();
      clearInterval(s.recheck);
      s.unregister();
      // The agent's own refusal of an infra or missing container reads like the console's.
      if (err instanceof AppError && err.code === "NOT_FOUND") throw new AppError("NOT_FOUND", "Container not found");
      throw err;
    }
    s.shell = opened.shell;
    // No session runs unaudited: when its start cannot be recorded, it is ended at once.
    if (!(await audit(s, "terminal.start", { shell: s.shell }))) {
      end(s, "The session could not be audited", null, true);
      throw new AppError("UNAVAILABLE", "The terminal session could not be recorded in the audit log; try again");
    }
    if (!socket.connected) {
      end(s, "The browser left", null, true);
      throw new AppError("UNAVAILABLE", "The connection closed");
    }
    return s;
  }

  // Not a plain command handler: the output that raced the answer is sent right after it.
  socket.on("terminal:open", (payload, ack) => {
    if (typeof ack !== "function") return;
    open(payload).then(
      (s) => {
        // `shell` is extra to API.md's `{sessionId}`: the UI shows which one runs.
        const data: { sessionId: string; shell: string } = { sessionId: s.id, shell: s.shell };
        ack({ ok: true, data });
        const early = s.early ?? [];
        s.early = null;
        for (const [data, agentAck] of early) {
          s.bytesOut += data.length;
          socket.emit("terminal:output", { sessionId: s.id, data }, agentAck);
        }
      },
      (err: unknown) => ack(toAck(err)),
    );
  });

  socket.on("terminal:input", (payload) => {
    const parsed = ZTerminalInput.safeParse(payload);
    if (!parsed.success) return;
    const s = sessions.get(parsed.data.sessionId);
    if (!s) return;
    const data = parsed.data.data;
    const size = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
    if (size > STREAM_LIMITS.inputBytes) return notice(s, "Input too large for one message; it was dropped");
    if (s.inputInFlight + size > STREAM_LIMITS.inputInFlightBytes) {
      // The process is not reading its terminal: dropping input keeps the console's memory bounded.
      if (Date.now() - s.lastDropNotice > 1000) {
        s.lastDropNotice = Date.now();
        notice(s, "Input dropped: the program in the container is not reading it");
      }
      return;
    }
    if (!notifyAgent(s.target.hostId, "exec:input", { sessionId: s.id, data })) return end(s, "The host's agent is not connected", null, false);
    s.inputInFlight += size;
    s.bytesIn += size;
  });

  socket.on("terminal:resize", (payload) => {
    const parsed = ZTerminalResize.safeParse(payload);
    if (!parsed.success) return;
    const s = sessions.get(parsed.data.sessionId);
    if (!s) return;
    s.pendingResize = { cols: parsed.data.cols, rows: parsed.data.rows };
    if (!s.resizeTimer) sendResize(s);
  });

  socket.on("terminal:close", (payload) => {
    const parsed = ZTerminalClose.safeParse(payload);
    const s = parsed.success ? sessions.get(parsed.data.sessionId) : undefined;
    if (s) end(s, "Closed by the user", null, true);
  });

  // Access changed (lib/auth/socket-access.ts): every open session is checked now, not at its next tick.
  const stopRecheck = onRecheck(socket.id, async () => {
    await Promise.all([...sessions.values()].map((s) => stillAllowed(s)));
  });
  socket.on("disconnect", () => {
    stopRecheck();
    for (const s of [...sessions.values()]) end(s, "The browser disconnected", null, true);
  });
}

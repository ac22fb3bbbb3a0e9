import type { Server as HttpServer } from "node:http";
import { Server, type Namespace, type Socket } from "socket.io";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import { settings } from "../env";
import { TokenBucket } from "../streams/fair-use";
import { attachMetrics } from "../metrics/realtime";
import { AppError } from "../errors";
import { reconcileHost, onContainerEvent } from "../reconciler/host";
import { ZContainerEvent, ZDiskUsage, ZInventory, ZTrashEntry } from "../protocol/agent";
import { recordDiskUsage } from "../hosts/disk";
import { recordHeartbeat } from "../hosts/heartbeat";
import { recordTrashed } from "../volumes/recycle";
import { recordPullProgress } from "../sets/pull";
import { publishedInfraImage } from "../registry/infra";
import { configuredRegistryHost, registryInfo } from "../registry/runtime";
import { connectedHostIds, registerAgent, unregisterAgent, type TAgentSocket } from "./agents";
import { attachAgentStreams } from "./agent-streams";
import { attachTerminal } from "../terminal/sessions";
import { ADMIN_ROOM, setUiNamespace, teamRoom } from "./broadcast";
import {
  ZAgentHeartbeat,
  ZImagePullProgress,
  type TAck,
  type TAgentClientToServer,
  type TAgentServerToClient,
  type TUiClientToServer,
  type TUiServerToClient,
} from "../protocol/events";
import { authenticateAgentHandshake, authenticateUiHandshake, type TAgentIdentity } from "./socket-auth";

interface TUiData {
  principal: TPrincipal;
}
interface TAgentData {
  host: TAgentIdentity;
}

export type TUiNamespace = Namespace<TUiClientToServer, TUiServerToClient, Record<string, never>, TUiData>;
export type TAgentNamespace = Namespace<TAgentClientToServer, TAgentServerToClient, Record<string, never>, TAgentData>;

function handshakeError(err: unknown): Error {
  const e = new Error(err instanceof AppError ? err.message : "Handshake refused");
  (e as Error & { data?: unknown }).data = { code: err instanceof AppError ? err.code : "INTERNAL" };
  if (!(err instanceof AppError)) console.error("socket handshake failed", err);
  return e;
}

export function failAck(err: unknown): TAck<never> {
  if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
  console.error("socket command failed", err);
  return { ok: false, error: { code: "INTERNAL", message: "Internal error" } };
}

/**
 * Each /ui socket may send BERTH_UI_EVENTS_PER_SECOND events a second on average (bursts of five
 * times that); past it an event is dropped and, when it asked for an answer, answered
 * RATE_LIMITED. Terminal keystrokes are exempt: they are paced by the session's own input window.
 */
function limitUiEvents(socket: Socket): void {
  const rate = settings().BERTH_UI_EVENTS_PER_SECOND;
  const bucket = new TokenBucket(rate, rate * 5);
  socket.use((packet, next) => {
    const [event] = packet;
    if (event === "terminal:input" || bucket.take()) return next();
    const ack = packet[packet.length - 1];
    if (typeof ack === "function") {
      (ack as (reply: TAck<never>) => void)({
        ok: false,
        error: { code: "RATE_LIMITED", message: `Too many events: at most ${rate} a second on one connection (BERTH_UI_EVENTS_PER_SECOND)` },
      });
    }
  });
}

export function attachRealtime(httpServer: HttpServer): { io: Server; ui: TUiNamespace; agent: TAgentNamespace; metrics: { close(): Promise<void> } } {
  const io = new Server(httpServer, {
    path: "/socket.io",
    maxHttpBufferSize: 1_000_000,
    serveClient: false,
  });

  // socket.io types one event map per Server; each namespace here has its own, hence the cast.
  const ui = io.of("/ui") as unknown as TUiNamespace;
  ui.use((socket, next) => {
    authenticateUiHandshake({ headers: socket.handshake.headers, auth: socket.handshake.auth, address: socket.handshake.address })
      .then((principal) => {
        socket.data.principal = principal;
        next();
      })
      .catch((err: unknown) => next(handshakeError(err)));
  });
  setUiNamespace(ui as unknown as Namespace);
  ui.on("connection", (socket) => {
    limitUiEvents(socket as unknown as Socket);
    // Set state changes are broadcast per team; a socket hears the teams its user belongs to.
    db()
      .membership.findMany({ where: { userId: socket.data.principal.userId }, select: { teamId: true } })
      .then((ms) => socket.join([...ms.map((m) => teamRoom(m.teamId)), ...(socket.data.principal.isAdmin ? [ADMIN_ROOM] : [])]))
      .catch((err: unknown) => console.error("joining team rooms failed", err));
    socket.on("whoami", (ack) => {
      if (typeof ack !== "function") return;
      const p = socket.data.principal;
      ack({ ok: true, data: { userId: p.userId, email: p.email, isAdmin: p.isAdmin } });
    });
    attachTerminal(socket);
  });

  const agent = io.of("/agent") as unknown as TAgentNamespace;
  agent.use((socket, next) => {
    authenticateAgentHandshake({ headers: socket.handshake.headers, auth: socket.handshake.auth, address: socket.handshake.address })
      .then((host) => {
        socket.data.host = host;
        next();
      })
      .catch((err: unknown) => next(handshakeError(err)));
  });
  agent.on("connection", (socket) => {
    const { hostId, name } = socket.data.host;
    registerAgent(hostId, socket as unknown as TAgentSocket);
    touchHost(hostId);
    socket.on("disconnect", () => {
      unregisterAgent(hostId, socket as unknown as TAgentSocket);
      // The grace period before Unreachable counts from the moment the agent left, not from its last
      // heartbeat: an agent that restarts before its first heartbeat was still alive a moment ago.
      touchHost(hostId);
    });
    socket.emit("hello", { hostId, name, registry: registryInfo().available ? configuredRegistryHost() : null, infraImage: publishedInfraImage() });
    attachAgentStreams(socket as unknown as TAgentSocket, hostId);
    socket.on("inventory", (payload, ack) => {
      const parsed = ZInventory.safeParse(payload);
      if (!parsed.success) {
        if (typeof ack === "function") ack({ ok: false, error: { code: "VALIDATION", message: parsed.error.message } });
        return;
      }
      if (typeof ack === "function") ack({ ok: true, data: null });
      Promise.all(parsed.data.trash.map((t) => recordTrashed(hostId, t)))
        .then(() => reconcileHost(hostId, parsed.data.sets))
        .catch((err: unknown) => console.error(`[reconcile] host ${name} failed`, err));
    });
    socket.on("volume:trashed", (payload) => {
      const parsed = ZTrashEntry.safeParse(payload);
      if (!parsed.success) return;
      recordTrashed(hostId, parsed.data).catch((err: unknown) => console.error("trashed volume not recorded", err));
    });
    socket.on("image:progress", (payload) => {
      const parsed = ZImagePullProgress.safeParse(payload);
      if (!parsed.success) return;
      recordPullProgress(hostId, parsed.data).catch((err: unknown) => console.error(`[agents] pull progress of host ${name} not recorded`, err));
    });
    socket.on("disk:usage", (payload) => {
      const parsed = ZDiskUsage.safeParse(payload);
      if (!parsed.success) return;
      recordDiskUsage(hostId, parsed.data).catch((err: unknown) => console.error(`[agents] disk usage of host ${name} not recorded`, err));
    });
    socket.on("container:event", (payload) => {
      const parsed = ZContainerEvent.safeParse(payload);
      if (!parsed.success) return;
      onContainerEvent(hostId, parsed.data).catch((err: unknown) => console.error("container event not recorded", err));
    });
    socket.on("heartbeat", (payload, ack) => {
      const parsed = ZAgentHeartbeat.safeParse(payload);
      if (!parsed.success) {
        if (typeof ack === "function") ack({ ok: false, error: { code: "VALIDATION", message: parsed.error.message } });
        return;
      }
      recordHeartbeat(hostId, parsed.data)
        .then(() => typeof ack === "function" && ack({ ok: true, data: { hostId } }))
        .catch((err: unknown) => typeof ack === "function" && ack(failAck(err)));
    });
  });

  const metrics = attachMetrics(ui, agent);

  return { io, ui, agent, metrics };
}

function touchHost(hostId: string): void {
  db()
    .host.update({ where: { id: hostId }, data: { lastSeenAt: new Date() } })
    .catch((err: unknown) => console.error(`[agents] host ${hostId} not marked seen`, err));
}

/**
 * Hosts whose agent has been silent past the grace period are shown Unreachable. A connected agent
 * is never silent, however slow its heartbeat (a busy Docker engine delays the capacity it measures):
 * Socket.IO's own ping already proves it is there.
 */
export async function markSilentHostsUnreachable(graceSeconds: number): Promise<number> {
  const cutoff = new Date(Date.now() - graceSeconds * 1000);
  const r = await db().host.updateMany({
    where: { status: { in: ["Ready", "NotReady"] }, id: { notIn: connectedHostIds() }, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: cutoff } }] },
    data: { status: "Unreachable", statusSince: new Date() },
  });
  return r.count;
}

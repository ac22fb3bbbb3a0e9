import type { Server as HttpServer } from "node:http";
import { Server, type Namespace, type Socket } from "socket.io";
import type { TPrincipal } from "../auth/principal";
import { forgetSocket, onAccessChanged, onRecheck, recheckSocket } from "../auth/socket-access";
import { db } from "../db";
import { settings } from "../env";
import { TokenBucket } from "../streams/fair-use";
import { attachMetrics, type TMetricsRealtime } from "../metrics/realtime";
import { consoleProm } from "../metrics/prom";
import { AppError } from "../errors";
import { reconcileHost, onContainerEvent } from "../reconciler/host";
import { ZContainerEvent, ZDiskUsage, ZInventory, ZTrashEntry, ZVolumeProgress } from "../protocol/agent";
import { recordDiskUsage } from "../hosts/disk";
import { heartbeatRecorder, heartbeatRefreshMs, recordSeen } from "../hosts/heartbeat";
import { handlersOf, type TAck } from "../protocol/ack";
import { recordTrashed } from "../volumes/recycle";
import { recordTransferProgress } from "../volumes/transfer-relay";
import { recordPullProgress } from "../sets/pull";
import { publishedInfraImage } from "../registry/infra";
import { configuredRegistryHost, registryInfo } from "../registry/runtime";
import { registerAgent, setAgentNamespace, unregisterAgent, type TAgentSocket } from "./agents";
import { announceAgent, attachAgentStreams, attachStreamRelay } from "./agent-streams";
import { redisClusterAdapter, type TClusterAdapter } from "./cluster-adapter";
import { ZAccessChanged } from "../protocol/cluster";
import { attachTerminal } from "../terminal/sessions";
import { ADMIN_ROOM, isTeamRoom, setUiNamespace, teamRoom } from "./broadcast";
import {
  ZAgentHeartbeat,
  ZImagePullProgress,
  type TAgentClientToServer,
  type TUiClientToServer,
} from "../protocol/events";
import { authenticateAgentHandshake, authenticateUiHandshake, type THandshakeLike } from "./socket-auth";
import type { TAgentNamespace, TUiNamespace } from "./types";

/** Joins the rooms of the principal's teams (and the admins' room) and leaves any other team's. */
async function syncTeamRooms(socket: Socket, p: TPrincipal): Promise<void> {
  const ms = await db().membership.findMany({ where: { userId: p.userId }, select: { teamId: true } });
  const wanted = new Set([...ms.map((m) => teamRoom(m.teamId)), ...(p.isAdmin ? [ADMIN_ROOM] : [])]);
  for (const room of socket.rooms) if ((isTeamRoom(room) || room === ADMIN_ROOM) && !wanted.has(room)) await socket.leave(room);
  await socket.join([...wanted]);
}

/** A namespace middleware: who connects is decided once, at the handshake, and kept on the socket. */
function handshake<TSocket extends Socket, TWho>(authenticate: (h: THandshakeLike) => Promise<TWho>, keep: (socket: TSocket, who: TWho) => void) {
  return (socket: TSocket, next: (err?: Error) => void) => {
    authenticate({ headers: socket.handshake.headers, auth: socket.handshake.auth, address: socket.handshake.address })
      .then((who) => {
        keep(socket, who);
        next();
      })
      .catch((err: unknown) => next(handshakeError(err)));
  };
}

function handshakeError(err: unknown): Error {
  const e = new Error(err instanceof AppError ? err.message : "Handshake refused");
  (e as Error & { data?: unknown }).data = { code: err instanceof AppError ? err.code : "INTERNAL" };
  if (!(err instanceof AppError)) console.error("socket handshake failed", err);
  return e;
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

export interface TRealtime {
  io: Server;
  ui: TUiNamespace;
  agent: TAgentNamespace;
  metrics: TMetricsRealtime;
  /** The shared adapter of several replicas (BERTH_REDIS_URL), null for one. */
  cluster: TClusterAdapter | null;
}

export function attachRealtime(httpServer: HttpServer): TRealtime {
  const redisUrl = settings().BERTH_REDIS_URL;
  const cluster = redisUrl ? redisClusterAdapter(redisUrl) : null;
  const io = new Server(httpServer, {
    path: "/socket.io",
    maxHttpBufferSize: 1_000_000,
    serveClient: false,
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });

  // socket.io types one event map per Server; each namespace here has its own, hence the cast.
  const ui = io.of("/ui") as unknown as TUiNamespace;
  ui.use(handshake(authenticateUiHandshake, (socket, principal) => (socket.data.principal = principal)));
  setUiNamespace(ui as unknown as Namespace, cluster !== null);
  ui.on("connection", (socket) => {
    limitUiEvents(socket as unknown as Socket);
    // Set state changes are broadcast per team; a socket hears the teams its user belongs to, and
    // stops hearing one as soon as the user leaves it (re-checked when access changes).
    const rooms = (p: TPrincipal) => syncTeamRooms(socket as unknown as Socket, p);
    rooms(socket.data.principal).catch((err: unknown) => console.error("joining team rooms failed", err));
    onRecheck(socket.id, rooms);
    socket.on("disconnect", () => forgetSocket(socket.id));
    handlersOf<TUiClientToServer>(socket).query("whoami", () => {
      const p = socket.data.principal;
      return { userId: p.userId, email: p.email, isAdmin: p.isAdmin };
    });
    attachTerminal(socket);
  });

  const agent = io.of("/agent") as unknown as TAgentNamespace;
  setAgentNamespace(agent, cluster !== null);
  agent.use(handshake(authenticateAgentHandshake, (socket, host) => (socket.data.host = host)));
  agent.on("connection", (socket) => {
    const { hostId, name } = socket.data.host;
    registerAgent(hostId, socket as unknown as TAgentSocket);
    const seen = () => recordSeen(hostId).catch((err: unknown) => console.error(`[agents] host ${name} not marked seen`, err));
    void seen();
    announceAgent(hostId, "connected");
    socket.on("disconnect", () => {
      unregisterAgent(hostId, socket as unknown as TAgentSocket);
      announceAgent(hostId, "gone");
      void seen();
    });
    socket.emit("hello", { hostId, name, registry: registryInfo().available ? configuredRegistryHost() : null, infraImage: publishedInfraImage() });
    attachAgentStreams(socket as unknown as TAgentSocket, hostId);
    const failed = (what: string) => (err: unknown) => console.error(`[agents] ${what} of host ${name} not recorded`, err);
    const on = handlersOf<TAgentClientToServer>(socket);
    on.command("inventory", ZInventory, (inventory) => {
      // Answered at once: the agent only needs to know it arrived; reconciling takes its time.
      Promise.all(inventory.trash.map((t) => recordTrashed(hostId, t)))
        .then(() => reconcileHost(hostId, inventory.sets))
        .then(() => consoleProm().inventories.inc({ outcome: "ok" }))
        .catch((err: unknown) => {
          consoleProm().inventories.inc({ outcome: "failed" });
          console.error(`[reconcile] host ${name} failed`, err);
        });
      return null;
    });
    const heartbeat = heartbeatRecorder(hostId, heartbeatRefreshMs());
    on.command("heartbeat", ZAgentHeartbeat, async (hb) => {
      await heartbeat(hb);
      return { hostId };
    });
    on.notification("volume:trashed", ZTrashEntry, (entry) => void recordTrashed(hostId, entry).catch(failed("trashed volume")));
    on.notification("image:progress", ZImagePullProgress, (p) => void recordPullProgress(hostId, p).catch(failed("pull progress")));
    on.notification("disk:usage", ZDiskUsage, (usage) => void recordDiskUsage(hostId, usage).catch(failed("disk usage")));
    on.notification("container:event", ZContainerEvent, (e) => void onContainerEvent(hostId, e).catch(failed("container event")));
    on.notification("volume:progress", ZVolumeProgress, (p) => recordTransferProgress(p.transferId, hostId, p.bytes));
  });

  const metrics = attachMetrics(ui, agent);
  attachStreamRelay(agent, (hostId) => metrics.agentConnectedElsewhere(hostId));
  const recheckUsers = (userIds: string[]) => {
    const users = new Set(userIds);
    for (const socket of ui.sockets.values()) {
      if (users.has(socket.data.principal.userId)) recheckSocket(socket).catch((err: unknown) => console.error(`[access] socket ${socket.id} not re-checked`, err));
    }
  };
  onAccessChanged((userIds) => {
    recheckUsers(userIds);
    // The users' sockets on other replicas are re-checked there.
    if (cluster) ui.serverSideEmit("access:changed", { userIds });
  });
  ui.on("access:changed", (message) => {
    const m = ZAccessChanged.safeParse(message);
    if (m.success) recheckUsers(m.data.userIds);
  });

  return { io, ui, agent, metrics, cluster };
}

import { loadSetFor } from "../apps/view";
import { db } from "../db";
import { AppError } from "../errors";
import { ZSetRef } from "../protocol/events";
import { ZMetricsBatch, metricsRoom, type TMetricsBatch, type TSetMetrics } from "../protocol/metrics";
import { onRecheck } from "../auth/socket-access";
import { handlersOf } from "../protocol/ack";
import type { TAgentClientToServer, TUiClientToServer } from "../protocol/events";
import { clusterAgentNamespace, isAgentConnected } from "../realtime/agents";
import { callAgent } from "../realtime/gateway";
import type { TAgentNamespace, TUiNamespace } from "../realtime/types";
import { streamSlots } from "../streams/fair-use";
import { consoleProm } from "./prom";
import { ringFor, metricsState } from "./state";
import { settings as berthSettings } from "../env";
import { flushRollups, pruneRollups } from "./store";
import type { TWatchChange } from "./watch-registry";
import { isLeader, replicaId } from "../cluster/leader";
import { ZMetricsWindowAsk } from "../protocol/cluster";
import { localMetricsWindow } from "./history";

/** Which host a set is on, as the console's books say; re-read after this long. */
const OWNER_TTL_MS = 60_000;
/** Sets whose host is cached: more than any real fleet's, far less than an agent could invent. */
const OWNER_CACHE_MAX = 100_000;
/** The watcher id the console's own consumers (the autoscaler) hold watches under: no socket has it. */
const INTERNAL_WATCHER = "internal:autoscale";

/**
 * Live metrics over Socket.IO, both sides:
 * - /ui: `metrics:subscribe {setId}` (authorized like GET /sets/{id}: another team's set is
 *   NOT_FOUND) joins the set's room; the first subscriber of a set makes the console ask the set's
 *   agent to watch it, the last one to leave or disconnect releases the watch.
 * - /agent: `metrics:batch` is parsed, checked against the console's books (a host may only
 *   report its own sets), kept (15-minute window + per-minute rollups) and fanned out per set.
 * Registers its own `connection` listeners, so io.ts needs only the one call.
 */
export interface TMetricsRealtime {
  agentConnectedElsewhere(hostId: string): void;
  /**
   * The sets the console itself wants 1 s samples of (the leader's autoscaler), like a browser's
   * subscription: the agents are asked to watch new ones, and ones no longer listed are released.
   */
  holdWatches(sets: Array<{ id: string; hostId: string | null }>): void;
  close(): Promise<void>;
}

export function attachMetrics(ui: TUiNamespace, agents: TAgentNamespace): TMetricsRealtime {
  const state = metricsState();
  const prom = consoleProm();
  const settings = berthSettings();
  const owners = new Map<string, { hostId: string | null; until: number }>();

  const clustered = clusterAgentNamespace() !== null;
  /** With several replicas each one's viewers are counted apart on the agent. */
  const watcher = clustered ? { watcher: replicaId() } : {};
  /**
   * Sets seen in watch batches lately: with several replicas the viewers may be on another one,
   * so this replica cannot know from its own watches which sets of a sweep someone is looking at.
   */
  const watchedElsewhere = new Map<string, number>();
  const WATCHED_ELSEWHERE_MS = 30_000;

  /** Fire-and-log: a missing agent is not an error here; its reconnect sends the watches again. */
  function tellAgent(hostId: string | null, event: "metrics:watch" | "metrics:unwatch", setIds: string[]): void {
    if (!hostId || setIds.length === 0 || (!clustered && !isAgentConnected(hostId))) return;
    callAgent(hostId, event, { setIds, ...watcher }).catch((err: unknown) => {
      // Connected nowhere: its reconnect (announced by whichever replica gets it) sends them again.
      if (err instanceof AppError && err.code === "UNAVAILABLE" && !isAgentConnected(hostId)) return;
      console.warn(`[metrics] ${event} to host ${hostId}: ${(err as Error).message}`);
    });
  }

  function release(changes: TWatchChange[]): void {
    const byHost = new Map<string, string[]>();
    for (const c of changes) {
      if (!c.hostId) continue;
      byHost.set(c.hostId, [...(byHost.get(c.hostId) ?? []), c.setId]);
    }
    for (const [hostId, setIds] of byHost) tellAgent(hostId, "metrics:unwatch", setIds);
  }

  // Another replica serves the set's history and asks for the window kept here.
  ui.on("metrics:window", (message, ack) => {
    const m = ZMetricsWindowAsk.safeParse(message);
    ack(m.success ? localMetricsWindow(m.data.setId, m.data.since) : []);
  });

  ui.on("connection", (socket) => {
    const on = handlersOf<TUiClientToServer>(socket);
    on.command("metrics:subscribe", ZSetRef, async ({ setId }) => {
      const set = await loadSetFor(socket.data.principal, setId);
      // Gone while the set was looked up: subscribing now would leak a watch nobody releases.
      if (socket.disconnected) return null;
      // The slot is given back by the registry when this socket stops watching the set.
      const slot = state.watches.watching(socket.id, set.id) ? undefined : streamSlots().acquire("metrics", socket.data.principal.userId, set.teamId);
      await socket.join(metricsRoom(set.id));
      // Gone while joining: its disconnect already released what it held, so this would leak.
      if (socket.disconnected) {
        slot?.();
        return null;
      }
      if (state.watches.add(socket.id, set.id, set.hostId, slot)) tellAgent(set.hostId, "metrics:watch", [set.id]);
      return null;
    });
    on.command("metrics:unsubscribe", ZSetRef, ({ setId }) => {
      void socket.leave(metricsRoom(setId));
      const change = state.watches.remove(socket.id, setId);
      if (change) release([change]);
      return null;
    });
    // Access changed (lib/auth/socket-access.ts): this socket's subscriptions are authorized again now.
    const stopRecheck = onRecheck(socket.id, () => reauthorize(socket.id));
    socket.on("disconnect", () => {
      stopRecheck();
      release(state.watches.removeSocket(socket.id));
    });
  });

  /** Sets of `setIds` that the books place on `hostId`; one query for the ones not cached. */
  async function ownedBy(hostId: string, setIds: string[]): Promise<Set<string>> {
    const now = Date.now();
    const missing = setIds.filter((id) => (owners.get(id)?.until ?? 0) < now);
    if (missing.length) {
      const rows = await db().set.findMany({ where: { id: { in: missing }, deletedAt: null }, select: { id: true, hostId: true } });
      const found = new Map(rows.map((r) => [r.id, r.hostId]));
      // Unknown sets are remembered too, so a stray agent container cannot make us query every tick.
      for (const id of missing) {
        owners.delete(id);
        owners.set(id, { hostId: found.get(id) ?? null, until: now + OWNER_TTL_MS });
      }
      // Bounded: ids an agent invents must not grow the console's memory. Oldest entries go first.
      for (const id of owners.keys()) {
        if (owners.size <= OWNER_CACHE_MAX) break;
        owners.delete(id);
      }
    }
    return new Set(setIds.filter((id) => owners.get(id)?.hostId === hostId));
  }

  function keep(sample: TSetMetrics, kind: TMetricsBatch["kind"]): void {
    const now = Date.now();
    // The agent sends watch batches only for sets some replica's viewers watch.
    if (clustered && kind === "watch") watchedElsewhere.set(sample.setId, now + WATCHED_ELSEWHERE_MS);
    const watched = state.watches.has(sample.setId) || (watchedElsewhere.get(sample.setId) ?? 0) > now;
    for (const c of sample.containers) {
      ringFor(sample.setId, c.name).push(sample.at, c);
      state.rollups.add(sample.setId, sample.at, c);
    }
    // Only watched sets fan out: with a cross-replica adapter every emit is a publish.
    if (watched) ui.to(metricsRoom(sample.setId)).emit("metrics:sample", sample);
  }

  async function ingest(hostId: string, batch: TMetricsBatch): Promise<void> {
    prom.batches.inc({ kind: batch.kind });
    const mine = await ownedBy(hostId, batch.sets.map((s) => s.setId));
    for (const sample of batch.sets) {
      if (!mine.has(sample.setId)) {
        prom.dropped.inc({ reason: "not_on_host" });
        continue;
      }
      prom.samples.inc();
      // A watched set first seen on this host (placed after its first viewer came): watch it here.
      if (state.watches.rehost(sample.setId, hostId)) tellAgent(hostId, "metrics:watch", [sample.setId]);
      keep(sample, batch.kind);
    }
  }

  /**
   * Access can be lost while watching (removed from the team, user disabled): every minute each
   * subscription is authorized again, and one that fails is dropped like an unsubscribe.
   */
  async function reauthorize(only?: string): Promise<void> {
    for (const { socketId, setId } of state.watches.pairs()) {
      if ((only && socketId !== only) || socketId === INTERNAL_WATCHER) continue;
      const socket = ui.sockets.get(socketId);
      if (!socket) {
        release(state.watches.removeSocket(socketId));
        continue;
      }
      try {
        await loadSetFor(socket.data.principal, setId);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        void socket.leave(metricsRoom(setId));
        const change = state.watches.remove(socketId, setId);
        if (change) release([change]);
      }
    }
  }

  /** Prunes what `watchedElsewhere` no longer needs (sets nobody watched for a while). */
  function pruneWatchedElsewhere(): void {
    const now = Date.now();
    for (const [setId, until] of watchedElsewhere) if (until < now) watchedElsewhere.delete(setId);
  }

  agents.on("connection", (socket) => {
    const hostId = socket.data.host.hostId;
    // The agent drops its watches when it loses the console: give back the ones still wanted.
    tellAgent(hostId, "metrics:watch", state.watches.setsOnHost(hostId));
    // Batches of one host are handled in order, so the window and rates never see time go back.
    let chain = Promise.resolve();
    handlersOf<TAgentClientToServer>(socket, { onInvalid: () => prom.dropped.inc({ reason: "invalid" }) }).notification("metrics:batch", ZMetricsBatch, (batch) => {
      chain = chain.then(() => ingest(hostId, batch)).catch((err: unknown) => console.error(`[metrics] batch from host ${hostId} not kept`, err));
    });
  });

  let flushing: Promise<unknown> = Promise.resolve();
  const flush = () => {
    flushing = flushing.then(() => flushRollups()).catch((err: unknown) => console.error("[metrics] rollup flush failed; retried next round", err));
    return flushing;
  };
  const prune = () => isLeader() && pruneRollups(settings.BERTH_METRICS_RETENTION_DAYS).catch((err: unknown) => console.error("[metrics] rollup prune failed", err));
  const flushTimer = setInterval(flush, settings.BERTH_METRICS_FLUSH_SECONDS * 1000);
  const pruneTimer = setInterval(prune, 60 * 60 * 1000);
  const firstPrune = setTimeout(prune, 30_000);
  const authTimer = setInterval(() => {
    pruneWatchedElsewhere();
    reauthorize().catch((err: unknown) => console.error("[metrics] re-authorization failed", err));
  }, 60_000);
  for (const t of [flushTimer, pruneTimer, firstPrune, authTimer]) t.unref();

  function holdWatches(sets: Array<{ id: string; hostId: string | null }>): void {
    const wanted = new Map(sets.map((s) => [s.id, s.hostId]));
    const released: TWatchChange[] = [];
    for (const { socketId, setId } of state.watches.pairs()) {
      if (socketId !== INTERNAL_WATCHER || wanted.has(setId)) continue;
      const change = state.watches.remove(INTERNAL_WATCHER, setId);
      if (change) released.push(change);
    }
    release(released);
    for (const [setId, hostId] of wanted) {
      if (!state.watches.watching(INTERNAL_WATCHER, setId)) {
        if (state.watches.add(INTERNAL_WATCHER, setId, hostId)) tellAgent(hostId, "metrics:watch", [setId]);
      } else if (hostId && state.watches.rehost(setId, hostId)) {
        // Placed (or moved) since it was first held: its new host is asked.
        tellAgent(hostId, "metrics:watch", [setId]);
      }
    }
  }

  return {
    holdWatches,
    // Another replica got the host's agent (which dropped its watches): ask again for this one's.
    agentConnectedElsewhere: (hostId: string) => tellAgent(hostId, "metrics:watch", state.watches.setsOnHost(hostId)),
    close: async () => {
      clearInterval(flushTimer);
      clearInterval(pruneTimer);
      clearInterval(authTimer);
      clearTimeout(firstPrune);
      // The open minutes reach Postgres before the console exits.
      await flush();
    },
  };
}

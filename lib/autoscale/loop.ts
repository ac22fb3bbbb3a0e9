import { db } from "../db";
import { Prisma } from "../generated/prisma/client";
import { isLeader } from "../cluster/leader";
import type { TAppContainer } from "../protocol/apps";
import type { TAutoscaleNeed } from "../protocol/autoscale";
import { needBeyondQuota, needText, quotaDetails, scaleForPolicy, setsThatFit } from "./apply";
import { AutoscaleTracker, recommend, type TDecision, type TPolicyRules } from "./decide";
import { measureSets } from "./measure";
import { blockedKind } from "./policy";
import { autoscaleLive } from "./state";

/** A set the autoscaler wants 1 s samples of, on the host it is placed on. */
export interface TWatchedSet {
  id: string;
  hostId: string | null;
}

/**
 * After the Running count changes, the load takes this long to spread over the new sets (clients
 * and balancers see them, DNS answers them); the next measurement then waits a whole window of
 * samples taken after it, so a transient of the old sets cannot ask for a set too many.
 */
const SETTLE_MS = 3000;
/** A new set still Pending after this long is not coming: the fleet has no room for it. */
const CAPACITY_GRACE_MS = 15_000;

const POLICY_INCLUDE = {
  app: {
    select: {
      id: true,
      name: true,
      replicas: true,
      cpuMillis: true,
      memoryMiB: true,
      diskGiB: true,
      containers: true,
      deletedAt: true,
      team: { select: { slug: true } },
      sets: {
        where: { deletedAt: null, state: { not: "Deleting" } },
        select: { id: true, state: true, hostId: true, cpuMillis: true, memoryMiB: true, reason: true, createdAt: true },
      },
    },
  },
} satisfies Prisma.AutoscalePolicyInclude;
type TPolicyRow = Prisma.AutoscalePolicyGetPayload<{ include: typeof POLICY_INCLUDE }>;

type TBlock = { reason: string; need: TAutoscaleNeed & { kind: "quota" | "capacity" } } | null;

/**
 * The leader's autoscaler: every `intervalMs` each policy is measured on the live window (1 s
 * samples the agents send because this loop watches the sets, like a browser on a set page),
 * a recommendation is kept, and a decision (lib/autoscale/decide.ts) is applied as an audited
 * scale. A follower holds no watches and no history; a new leader starts observing afresh.
 */
export function startAutoscaler(opts: { intervalMs: number; windowMs: number; watch: (sets: TWatchedSet[]) => void }): { close(): void } {
  const trackers = new Map<string, AutoscaleTracker>();
  let running = false;

  async function evaluate(row: TPolicyRow, now: number): Promise<void> {
    const app = row.app;
    const rules: TPolicyRules = row;
    let tracker = trackers.get(app.id);
    if (!tracker) {
      tracker = new AutoscaleTracker(Math.round(opts.windowMs / 1000));
      trackers.set(app.id, tracker);
    }
    const runningSets = app.sets.filter((s) => s.state === "Running");
    const starting = app.sets.filter((s) => s.state === "Pending" || s.state === "Creating");
    tracker.noteRunning(runningSets.length, now);
    const since = now - opts.windowMs;
    const settled = since >= tracker.changedAt + SETTLE_MS;
    const m = settled ? await measureSets(runningSets, since, now) : { at: now, runningSets: 0, cpuPercent: null, memoryPercent: null };
    const rec = recommend(rules, m);
    const keepMs = Math.max(rules.scaleOutStabilizationSeconds, rules.scaleInStabilizationSeconds) * 1000 + opts.intervalMs;
    if (rec) tracker.observe(rec, keepMs);
    autoscaleLive().set(app.id, { at: now, runningSets: m.runningSets, cpuPercent: m.cpuPercent, memoryPercent: m.memoryPercent, desiredReplicas: rec?.desired ?? app.replicas });

    const decision = tracker.decide(rules, now, app.replicas, starting.length);
    let block: TBlock = null;
    // Sets that waited long for a host: the fleet is full, a scale-out cannot land.
    const stuck = starting.filter((s) => s.state === "Pending" && now - s.createdAt.getTime() > CAPACITY_GRACE_MS);
    if (stuck.length) {
      block = {
        reason: `No host has room for ${stuck.length} new ${stuck.length === 1 ? "set" : "sets"} (${stuck[0].reason ?? "waiting for a host"})`,
        need: { kind: "capacity", sets: stuck.length, cpuMillis: stuck.length * app.cpuMillis, memoryMiB: stuck.length * app.memoryMiB, diskGiB: stuck.length * app.diskGiB },
      };
    }
    if (decision) block = (await apply(row, decision, now, tracker)) ?? block;
    // Blocked by quota and still wanted: the notice stays until a retry (after the window) succeeds.
    else if (!block && row.blockedReason && blockedKind(row.blockedNeed) === "quota" && (!rec || rec.desired > app.replicas)) return;
    await recordBlock(row, block, now);
  }

  /** Applies a decision; a scale-out refused by quota goes as far as the quota allows and says what it lacks. */
  async function apply(row: TPolicyRow, d: TDecision, now: number, tracker: AutoscaleTracker): Promise<TBlock> {
    const app = row.app;
    const target = { appId: app.id, teamSlug: app.team.slug, containers: app.containers as TAppContainer[] };
    try {
      if (await scaleForPolicy(target, d.to, d.reason)) tracker.scaled(now);
      return null;
    } catch (err) {
      const q = d.direction === "out" ? quotaDetails(err) : null;
      if (!q) throw err;
      const size = { cpuMillis: app.cpuMillis, memoryMiB: app.memoryMiB, diskGiB: app.diskGiB };
      const fit = setsThatFit(q, size);
      const need = needBeyondQuota(q, d.to - app.replicas, size);
      const reason = `Quota: scale-out to ${d.to} ${needText(need)}`;
      if (fit > 0) {
        const to = app.replicas + fit;
        if (await scaleForPolicy(target, to, `${d.reason.replace(/→ \d+$/, `→ ${to}`)} (quota allows ${to} of ${d.to})`)) tracker.scaled(now);
      }
      return { reason, need: { kind: "quota", ...need } };
    }
  }

  async function recordBlock(row: TPolicyRow, block: TBlock, now: number): Promise<void> {
    if (!block) {
      if (row.blockedReason === null) return;
      await db().autoscalePolicy.updateMany({ where: { appId: row.appId }, data: { blockedReason: null, blockedSince: null, blockedNeed: Prisma.DbNull } });
      return;
    }
    if (row.blockedReason === block.reason) return;
    // blockedSince stays when only the amount changed: the alert's age is the block's, not the text's.
    await db().autoscalePolicy.updateMany({
      where: { appId: row.appId },
      data: { blockedReason: block.reason, blockedSince: row.blockedSince ?? new Date(now), blockedNeed: block.need },
    });
  }

  async function pass(): Promise<void> {
    const rows = await db().autoscalePolicy.findMany({ where: { app: { deletedAt: null } }, include: POLICY_INCLUDE });
    opts.watch(rows.flatMap((r) => r.app.sets.filter((s) => s.state !== "Stopped" && s.state !== "Failed").map((s) => ({ id: s.id, hostId: s.hostId }))));
    const live = new Set(rows.map((r) => r.appId));
    for (const id of trackers.keys()) if (!live.has(id)) trackers.delete(id);
    for (const id of autoscaleLive().keys()) if (!live.has(id)) autoscaleLive().delete(id);
    const now = Date.now();
    for (const row of rows) {
      await evaluate(row, now).catch((err: unknown) => console.error(`[autoscale] app ${row.app.team.slug}/${row.app.name} not evaluated`, err));
    }
  }

  const timer = setInterval(() => {
    if (!isLeader()) {
      // Followers measure nothing: the watches go, and a later leadership starts observing afresh.
      if (trackers.size || autoscaleLive().size) {
        trackers.clear();
        autoscaleLive().clear();
        opts.watch([]);
      }
      return;
    }
    if (running) return;
    running = true;
    pass()
      .catch((err: unknown) => console.error("[autoscale] pass failed", err))
      .finally(() => (running = false));
  }, opts.intervalMs);
  timer.unref();
  return {
    close: () => {
      clearInterval(timer);
      opts.watch([]);
    },
  };
}

import { db } from "../db";
import { settings } from "../env";
import type { TAlertRule } from "../protocol/alerts";
import { setName } from "../sets/spec";
import type { TAlertCandidate } from "./store";

/**
 * The alert rules: each reads the books and answers the conditions that hold now. The engine fires
 * what is found and resolves what is no longer found (lib/alerts/engine.ts). Thresholds are
 * settings (lib/env.ts, README "Settings").
 */

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const percent = (part: number, whole: number) => Math.round((part / whole) * 100);
const cores = (millis: number) => String(Number((millis / 1000).toFixed(3)));

export const CONTAINER_SET = { select: { id: true, teamId: true, appId: true, hostId: true, ordinal: true, memoryMiB: true, app: { select: { name: true } } } } as const;

interface TContainerRow {
  id: string;
  name: string;
  memoryPercent: number;
  oomKills: number;
  lastOomCause: string | null;
  recentExits: Date[];
  set: { id: string; teamId: string; appId: string; hostId: string | null; ordinal: number; memoryMiB: number; app: { name: string } };
}

function containerObject(c: TContainerRow) {
  return {
    teamId: c.set.teamId,
    object: { kind: "container" as const, id: c.id, name: `${setName(c.set.app.name, c.set.ordinal)}/${c.name}` },
    appId: c.set.appId,
    setId: c.set.id,
    hostId: c.set.hostId,
  };
}

/** An OOM kill within the last BERTH_ALERT_CLEAR_SECONDS: quiet that long and the alert resolves. */
export function oomCandidate(c: TContainerRow): TAlertCandidate {
  const limit = Math.round((c.set.memoryMiB * c.memoryPercent) / 100);
  return {
    rule: "oom_killed",
    severity: "warning",
    ...containerObject(c),
    message: `${c.name} ran out of memory (limit ${limit} MiB) and the kernel killed a process${c.lastOomCause ? `: ${c.lastOomCause}` : ""}`,
    details: { kills: c.oomKills, limitMiB: limit, cause: c.lastOomCause },
  };
}

async function oomKilled(): Promise<TAlertCandidate[]> {
  const since = new Date(Date.now() - settings().BERTH_ALERT_CLEAR_SECONDS * 1000);
  const rows = await db().container.findMany({ where: { lastOomAt: { gt: since }, set: { deletedAt: null } }, include: { set: CONTAINER_SET } });
  return rows.map(oomCandidate);
}

/**
 * More than BERTH_ALERT_CRASH_RESTARTS exits within BERTH_ALERT_CRASH_WINDOW_SECONDS, the last one
 * within BERTH_ALERT_CLEAR_SECONDS: a container that has run that long since its last exit is fixed.
 */
export function crashCandidate(c: TContainerRow, now = Date.now()): TAlertCandidate | null {
  const s = settings();
  const recent = c.recentExits.filter((t) => t.getTime() > now - s.BERTH_ALERT_CRASH_WINDOW_SECONDS * 1000);
  const last = recent.at(-1);
  if (recent.length <= s.BERTH_ALERT_CRASH_RESTARTS || !last || last.getTime() <= now - s.BERTH_ALERT_CLEAR_SECONDS * 1000) return null;
  const window = s.BERTH_ALERT_CRASH_WINDOW_SECONDS >= 120 ? `${Math.round(s.BERTH_ALERT_CRASH_WINDOW_SECONDS / 60)} min` : `${s.BERTH_ALERT_CRASH_WINDOW_SECONDS} s`;
  return {
    rule: "crash_loop",
    severity: "critical",
    ...containerObject(c),
    message: `${c.name} keeps exiting: more than ${s.BERTH_ALERT_CRASH_RESTARTS} restarts within ${window}`,
    details: { exits: recent.length, lastExitAt: last.toISOString() },
  };
}

async function crashLoop(): Promise<TAlertCandidate[]> {
  const rows = await db().container.findMany({ where: { recentExits: { isEmpty: false }, set: { deletedAt: null } }, include: { set: CONTAINER_SET } });
  return rows.map((r) => crashCandidate(r)).filter((c) => c !== null);
}

async function setUnhealthy(): Promise<TAlertCandidate[]> {
  const s = settings();
  const rows = await db().set.findMany({
    where: { state: { in: ["Failed", "Degraded"] }, deletedAt: null, desiredRunning: true, stateSince: { lte: new Date(Date.now() - s.BERTH_ALERT_UNHEALTHY_SECONDS * 1000) } },
    select: { id: true, teamId: true, appId: true, hostId: true, ordinal: true, state: true, reason: true, stateSince: true, app: { select: { name: true } } },
  });
  return rows.map((r) => ({
    rule: "set_unhealthy",
    severity: "critical",
    teamId: r.teamId,
    object: { kind: "set", id: r.id, name: setName(r.app.name, r.ordinal) },
    appId: r.appId,
    setId: r.id,
    hostId: r.hostId,
    message: `${setName(r.app.name, r.ordinal)} is ${r.state}${r.reason ? `: ${r.reason}` : ""}`,
    details: { state: r.state, since: r.stateSince.toISOString() },
  }));
}

/** Hosts that have reported at least once and are not Ready: a platform alert, for admins. */
async function hostNotReady(): Promise<TAlertCandidate[]> {
  const rows = await db().host.findMany({
    where: { revokedAt: null, lastSeenAt: { not: null }, status: { not: "Ready" } },
    select: { id: true, name: true, status: true, statusReason: true, statusSince: true },
  });
  return rows.map((h) => ({
    rule: "host_not_ready",
    severity: "critical",
    teamId: null,
    object: { kind: "host", id: h.id, name: h.name },
    hostId: h.id,
    message: `Host ${h.name} is ${h.status}${h.statusReason ? `: ${h.statusReason}` : ""}`,
    details: { status: h.status, since: h.statusSince?.toISOString() ?? null },
  }));
}

async function quotaNearLimit(): Promise<TAlertCandidate[]> {
  const threshold = settings().BERTH_ALERT_QUOTA_PERCENT;
  const [quotas, usage] = await Promise.all([
    db().quota.findMany({ include: { team: { select: { slug: true } } } }),
    db().set.groupBy({ by: ["teamId"], where: { deletedAt: null }, _sum: { cpuMillis: true, memoryMiB: true, diskGiB: true }, _count: true }),
  ]);
  const used = new Map(usage.map((u) => [u.teamId, u]));
  const out: TAlertCandidate[] = [];
  for (const q of quotas) {
    const u = used.get(q.teamId);
    if (!u) continue;
    const resources = [
      { what: "CPU", used: u._sum.cpuMillis ?? 0, limit: q.cpuMillis, show: (n: number) => `${cores(n)} cores` },
      { what: "memory", used: u._sum.memoryMiB ?? 0, limit: q.memoryMiB, show: (n: number) => `${n} MiB` },
      { what: "disk", used: u._sum.diskGiB ?? 0, limit: q.diskGiB, show: (n: number) => `${n} GiB` },
      { what: "sets", used: u._count, limit: q.sets, show: (n: number) => String(n) },
    ].filter((r) => r.limit > 0 && percent(r.used, r.limit) >= threshold);
    if (resources.length === 0) continue;
    out.push({
      rule: "quota_near_limit",
      severity: resources.some((r) => r.used >= r.limit) ? "critical" : "warning",
      teamId: q.teamId,
      object: { kind: "team", id: q.teamId, name: q.team.slug },
      message: `Team ${q.team.slug} uses ${resources.map((r) => `${percent(r.used, r.limit)} % of its ${r.what} quota (${r.show(r.used)} of ${r.show(r.limit)})`).join(", ")}`,
      details: { resources: resources.map((r) => ({ resource: r.what, used: r.used, limit: r.limit })) },
    });
  }
  return out;
}

/** Measured against what the file system holds (capacityBytes), not its nominal size: XFS keeps some of that. */
async function volumeNearFull(): Promise<TAlertCandidate[]> {
  const threshold = settings().BERTH_ALERT_VOLUME_PERCENT;
  const rows = await db().volume.findMany({
    where: { trashedAt: null, sizeGiB: { gt: 0 }, set: { deletedAt: null } },
    select: { sizeGiB: true, usedBytes: true, capacityBytes: true, set: { select: { id: true, teamId: true, appId: true, hostId: true, ordinal: true, app: { select: { name: true } } } } },
  });
  const out: TAlertCandidate[] = [];
  for (const v of rows) {
    const used = Number(v.usedBytes);
    const capacity = Number(v.capacityBytes ?? 0) || v.sizeGiB * GIB;
    if (!v.set || percent(used, capacity) < threshold) continue;
    const name = setName(v.set.app.name, v.set.ordinal);
    out.push({
      rule: "volume_near_full",
      severity: used >= capacity * 0.99 ? "critical" : "warning",
      teamId: v.set.teamId,
      object: { kind: "set", id: v.set.id, name },
      appId: v.set.appId,
      setId: v.set.id,
      hostId: v.set.hostId,
      message: `The volume of ${name} is ${percent(used, capacity)} % full (${Math.round(used / MIB)} of ${Math.round(capacity / MIB)} MiB)`,
      details: { usedBytes: used, capacityBytes: capacity, sizeGiB: v.sizeGiB },
    });
  }
  return out;
}

/** What a blocked scale-out needs beyond the quota, as the autoscaler wrote it (AutoscalePolicy.blockedNeed). */
interface TNeed {
  replicas?: number;
  cpuMillis?: number;
  memoryMiB?: number;
  diskGiB?: number;
}

function needText(n: TNeed): string | null {
  const parts = [
    n.cpuMillis ? `${cores(n.cpuMillis)} more ${n.cpuMillis === 1000 ? "core" : "cores"}` : null,
    n.memoryMiB ? `${n.memoryMiB} MiB more memory` : null,
    n.diskGiB ? `${n.diskGiB} GiB more disk` : null,
    n.replicas ? `${n.replicas} more ${n.replicas === 1 ? "set" : "sets"}` : null,
  ].filter(Boolean);
  return parts.length ? `needs ${parts.join(", ")}` : null;
}

/**
 * A scale-out the autoscaler wants and cannot make. When the quota is what blocks it, the alert
 * carries the quota request that would unblock it: today's limits plus what is missing.
 */
async function autoscaleBlocked(): Promise<TAlertCandidate[]> {
  const rows = await db().autoscalePolicy.findMany({
    where: { blockedSince: { not: null }, app: { deletedAt: null } },
    select: { appId: true, blockedReason: true, blockedSince: true, blockedNeed: true, maxReplicas: true, app: { select: { name: true, teamId: true, team: { select: { quota: true } } } } },
  });
  return rows.map((p) => {
    const need = (p.blockedNeed ?? null) as TNeed | null;
    const text = need ? needText(need) : null;
    const q = p.app.team.quota;
    const request =
      need && text
        ? {
            cpu: ((q?.cpuMillis ?? 0) + (need.cpuMillis ?? 0)) / 1000,
            memoryMiB: (q?.memoryMiB ?? 0) + (need.memoryMiB ?? 0),
            diskGiB: (q?.diskGiB ?? 0) + (need.diskGiB ?? 0),
            sets: (q?.sets ?? 0) + (need.replicas ?? 0),
            reason: `Autoscaling of ${p.app.name} is blocked: it ${text}.`,
          }
        : null;
    return {
      rule: "autoscale_blocked",
      severity: "warning",
      teamId: p.app.teamId,
      object: { kind: "app", id: p.appId, name: p.app.name },
      appId: p.appId,
      message: `${p.app.name} cannot scale out: ${p.blockedReason ?? "blocked by quota or capacity"}${text && !(p.blockedReason ?? "").includes(text) ? ` (${text})` : ""}`,
      details: { since: p.blockedSince?.toISOString() ?? null, need: need ? { ...need } : null, needText: text, quotaRequest: request },
    } satisfies TAlertCandidate;
  });
}

export const RULES: Record<TAlertRule, () => Promise<TAlertCandidate[]>> = {
  oom_killed: oomKilled,
  crash_loop: crashLoop,
  set_unhealthy: setUnhealthy,
  host_not_ready: hostNotReady,
  quota_near_limit: quotaNearLimit,
  volume_near_full: volumeNearFull,
  autoscale_blocked: autoscaleBlocked,
};


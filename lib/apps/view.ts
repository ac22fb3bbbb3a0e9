import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import { notFound } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import type { TAppContainer, TAppView, TCanary, TSetView } from "../protocol/apps";
import { appPortsOf, hostPortsOf } from "../network/plan";
import { setName } from "../sets/spec";
import { writableLayers } from "../sets/rootfs";
import { toAutoscaleView } from "../autoscale/policy";

const MIB = 1024 * 1024;

export const SET_INCLUDE = {
  containers: { orderBy: { index: "asc" } },
  host: { select: { id: true, name: true, status: true, address: true } },
  app: { select: { name: true, volumePath: true } },
  team: { select: { slug: true } },
  volume: { select: { usedBytes: true } },
} satisfies Prisma.SetInclude;

type TSetRow = Prisma.SetGetPayload<{ include: typeof SET_INCLUDE }>;

export function toSetView(s: TSetRow): TSetView {
  return {
    id: s.id,
    name: setName(s.app.name, s.ordinal),
    app: s.app.name,
    team: s.team.slug,
    host: s.host && { id: s.host.id, name: s.host.name, status: s.host.status },
    state: s.state,
    reason: s.reason,
    ip: s.ip,
    endpoints: s.host
      ? hostPortsOf(s.hostPorts).map((hp) => ({
          name: hp.name,
          host: s.host!.name,
          hostAddress: s.host!.address,
          hostPort: hp.hostPort,
          port: hp.port,
          protocol: hp.protocol,
          reachable: hp.protocol === "tcp" ? hp.reachable : null,
        }))
      : [],
    size: { cpu: s.cpuMillis / 1000, memoryMiB: s.memoryMiB, diskGiB: s.diskGiB },
    containers: s.containers.map((c) => ({
      name: c.name,
      index: c.index,
      image: c.image,
      imageDigest: c.imageDigest,
      state: c.state,
      dockerId: c.dockerId,
      limits: {
        cpu: Math.round((s.cpuMillis * c.cpuPercent) / 100) / 1000,
        memoryBytes: Math.floor((s.memoryMiB * c.memoryPercent) / 100) * MIB,
      },
      diskBytes: c.diskBytes === null ? null : Number(c.diskBytes),
      oom: { kills: c.oomKills, lastAt: c.lastOomAt?.toISOString() ?? null, lastCause: c.lastOomCause },
    })),
    volume: s.diskGiB > 0 ? { sizeGiB: s.diskGiB, path: s.app.volumePath, usedBytes: s.volume ? Number(s.volume.usedBytes) : null } : null,
    writableLayers: writableLayers(s.diskGiB, s.containers.map((c) => c.diskBytes)),
    createdAt: s.createdAt.toISOString(),
  };
}

export async function listApps(p: TPrincipal, teamSlug: string): Promise<TAppView[]> {
  const { team } = await requireTeam(p, teamSlug, "VIEWER");
  const apps = await db().app.findMany({
    where: { teamId: team.id, deletedAt: null },
    orderBy: { name: "asc" },
    include: { autoscale: true, sets: { where: { deletedAt: null }, include: SET_INCLUDE, orderBy: { ordinal: "asc" } } },
  });
  return apps.map((a) => toAppView(a, team.slug));
}

export async function getApp(p: TPrincipal, teamSlug: string, name: string): Promise<TAppView> {
  const { team } = await requireTeam(p, teamSlug, "VIEWER");
  const app = await db().app.findFirst({
    where: { teamId: team.id, name, deletedAt: null },
    include: { autoscale: true, sets: { where: { deletedAt: null }, include: SET_INCLUDE, orderBy: { ordinal: "asc" } } },
  });
  if (!app) throw notFound("App");
  return toAppView(app, team.slug);
}

function toAppView(
  a: Prisma.AppGetPayload<{ include: { autoscale: true; sets: { include: typeof SET_INCLUDE } } }>,
  teamSlug: string,
): TAppView {
  const sets = a.sets.map(toSetView);
  return {
    id: a.id,
    name: a.name,
    team: teamSlug,
    replicas: a.replicas,
    size: { cpu: a.cpuMillis / 1000, memoryMiB: a.memoryMiB, diskGiB: a.diskGiB },
    volumePath: a.volumePath,
    containers: a.containers as TAppContainer[],
    ports: appPortsOf(a.ports),
    canary: (a.canary ?? null) as TCanary | null,
    autoscale: a.autoscale ? toAutoscaleView(a.autoscale) : null,
    sets,
    endpoints: sets.flatMap((s) => s.endpoints.map((e) => ({ ...e, setId: s.id, set: s.name }))),
    createdAt: a.createdAt.toISOString(),
  };
}

/** A set by id, for any member of its team; other teams' sets answer 404 like missing ones. */
export async function loadSetFor(p: TPrincipal, setId: string, min: "VIEWER" | "MEMBER" = "VIEWER"): Promise<TSetRow> {
  const set = await db().set.findUnique({ where: { id: setId }, include: SET_INCLUDE });
  if (!set || set.deletedAt) throw notFound("Set");
  try {
    await requireTeam(p, set.team.slug, min);
  } catch (err) {
    // Not a member at all → the same 404 as a missing set; a VIEWER asking to act → 403.
    if ((err as { code?: string }).code === "NOT_FOUND") throw notFound("Set");
    throw err;
  }
  return set;
}

export async function getSet(p: TPrincipal, setId: string): Promise<TSetView> {
  return toSetView(await loadSetFor(p, setId));
}

/** A set by its stable name `<app>-<n>`. */
/** The set named `<app>-<n>` (its stable name) in a team the caller can see; 404 otherwise. */
async function findSetByName(p: TPrincipal, teamSlug: string, appName: string, name: string) {
  const { team } = await requireTeam(p, teamSlug, "VIEWER");
  const ordinal = name.startsWith(`${appName}-`) ? Number(name.slice(appName.length + 1)) : NaN;
  if (!Number.isInteger(ordinal) || ordinal < 0) throw notFound("Set");
  const set = await db().set.findFirst({
    where: { teamId: team.id, ordinal, deletedAt: null, app: { name: appName, deletedAt: null } },
    include: SET_INCLUDE,
  });
  if (!set) throw notFound("Set");
  return set;
}

export async function getSetByName(p: TPrincipal, teamSlug: string, appName: string, name: string): Promise<TSetView> {
  return toSetView(await findSetByName(p, teamSlug, appName, name));
}

/** The id behind a set's name, for the named routes that do what the id routes do (each use case authorizes again). */
export async function setIdByName(p: TPrincipal, teamSlug: string, appName: string, name: string): Promise<string> {
  return (await findSetByName(p, teamSlug, appName, name)).id;
}

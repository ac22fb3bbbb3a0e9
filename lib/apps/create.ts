import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db, isUniqueViolation } from "../db";
import { conflict } from "../errors";
import type { TAppContainer, TAppCreate, TAppView } from "../protocol/apps";
import { reserveQuota } from "../quota/reserve";
import { pinImages } from "../registry/resolve";
import { scheduleThenDispatchInBackground } from "../scheduler/assign";
import { getApp } from "./view";

/**
 * Create an app and its sets: quota is reserved in the same transaction that writes the sets,
 * then sets are placed and sent to their hosts in the background (the answer says `Pending`
 * or `Creating`; `set:state` events and GET follow progress).
 */
export async function createApp(p: TPrincipal, teamSlug: string, input: TAppCreate): Promise<TAppView> {
  const { team } = await requireTeam(p, teamSlug, "MEMBER");
  const cpuMillis = Math.round(input.size.cpu * 1000);
  const pins = await pinImages(team.slug, input.containers.map((c, i) => ({ path: `containers.${i}.image`, image: c.image })));
  try {
    await db().$transaction(async (tx) => {
      await reserveQuota(tx, team.id, {
        cpuMillis: cpuMillis * input.replicas,
        memoryMiB: input.size.memoryMiB * input.replicas,
        diskGiB: input.size.diskGiB * input.replicas,
        sets: input.replicas,
      });
      const app = await tx.app.create({
        data: {
          teamId: team.id,
          name: input.name,
          replicas: input.replicas,
          cpuMillis,
          memoryMiB: input.size.memoryMiB,
          diskGiB: input.size.diskGiB,
          volumePath: input.volumePath ?? "/data",
          containers: input.containers,
          ports: input.ports ?? [],
        },
      });
      for (let ordinal = 0; ordinal < input.replicas; ordinal++) {
        await tx.set.create({
          data: {
            appId: app.id,
            teamId: team.id,
            ordinal,
            cpuMillis,
            memoryMiB: input.size.memoryMiB,
            diskGiB: input.size.diskGiB,
            reason: "waiting for a host",
            containers: {
              create: containerRows(input.containers, pins),
            },
          },
        });
      }
      await recordAudit(tx, actorOf(p), {
        teamId: team.id,
        action: "app.create",
        targetType: "app",
        targetId: app.id,
        details: { name: app.name, replicas: input.replicas, size: input.size, images: input.containers.map((c) => c.image) },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`An app named "${input.name}" already exists in ${team.slug}`, { field: "name" });
    throw err;
  }
  // Placement runs after commit; a crash here leaves Pending sets for the reconciler.
  await scheduleThenDispatchInBackground();
  return getApp(p, teamSlug, input.name);
}

/** A set's container rows from the app's container specs (percents of the set's size) and the digests their images resolved to. */
export function containerRows(containers: TAppContainer[], pins: ReadonlyMap<string, string | null>) {
  return containers.map((c) => ({
    index: c.index,
    name: c.name,
    image: c.image,
    imageDigest: pins.get(c.image) ?? null,
    cpuPercent: c.cpu,
    memoryPercent: c.memory,
    env: c.env ?? {},
    command: c.command ?? undefined,
  }));
}

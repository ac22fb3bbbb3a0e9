import { z } from "zod";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { deleteManifest, listRepositories, listTags, manifestSummary } from "./client";
import { repositoryOfReference } from "./policy";
import { LIBRARY, namespaceOf } from "./scopes";

/** One event of Distribution's notification envelope, the parts Berth reads. */
export const ZRegistryEvent = z.object({
  action: z.string(),
  timestamp: z.string().optional(),
  target: z.object({
    mediaType: z.string().optional(),
    digest: z.string().optional(),
    repository: z.string(),
    tag: z.string().optional(),
  }),
  actor: z.object({ name: z.string().optional() }).optional(),
});
export const ZRegistryEnvelope = z.object({ events: z.array(z.unknown()) });
export type TRegistryEvent = z.infer<typeof ZRegistryEvent>;

const MANIFEST_MEDIA = /manifest|index/;

async function teamIdOf(repository: string): Promise<string | null | undefined> {
  const ns = namespaceOf(repository);
  if (ns === LIBRARY) return null;
  const team = await db().team.findUnique({ where: { slug: ns }, select: { id: true } });
  return team?.id;
}

/** A tag now points at a digest: record it with its size and layers, read from the registry. */
export async function recordTag(repository: string, tag: string, digest: string | null, pushedBy: string | null, pushedAt: Date): Promise<boolean> {
  const teamId = await teamIdOf(repository);
  if (teamId === undefined) return false; // a namespace of no team: the token server never allows a push there
  const summary = await manifestSummary(repository, digest ?? tag);
  if (!summary) return false;
  const data = {
    teamId,
    digest: summary.digest,
    sizeBytes: BigInt(summary.sizeBytes),
    layers: summary.layers as unknown as Prisma.InputJsonValue,
    pushedBy,
    pushedAt,
  };
  await db().image.upsert({ where: { repository_tag: { repository, tag } }, create: { repository, tag, ...data }, update: data });
  return true;
}

/** Applies the registry's notifications; returns how many changed the catalog. */
export async function applyRegistryEvents(events: unknown[]): Promise<number> {
  let changed = 0;
  for (const raw of events) {
    const parsed = ZRegistryEvent.safeParse(raw);
    if (!parsed.success) continue;
    const e = parsed.data;
    const { repository, tag, digest, mediaType } = e.target;
    if (e.action === "push" && tag && (!mediaType || MANIFEST_MEDIA.test(mediaType))) {
      if (await recordTag(repository, tag, digest ?? null, e.actor?.name ?? null, e.timestamp ? new Date(e.timestamp) : new Date())) changed++;
    } else if (e.action === "delete") {
      const where = tag ? { repository, tag } : digest ? { repository, digest } : null;
      if (where) changed += (await db().image.deleteMany({ where })).count;
    }
  }
  return changed;
}

/** At start: the registry is the truth; notifications missed while the console was down are caught up. */
export async function reconcileCatalog(): Promise<{ tags: number; removed: number }> {
  const seen = new Set<string>();
  let tags = 0;
  for (const repository of await listRepositories()) {
    for (const tag of await listTags(repository)) {
      const existing = await db().image.findUnique({ where: { repository_tag: { repository, tag } } });
      seen.add(`${repository}:${tag}`);
      if (existing) continue;
      if (await recordTag(repository, tag, null, null, new Date())) tags++;
    }
  }
  const rows = await db().image.findMany({ select: { id: true, repository: true, tag: true } });
  const gone = rows.filter((r) => !seen.has(`${r.repository}:${r.tag}`)).map((r) => r.id);
  if (gone.length) await db().image.deleteMany({ where: { id: { in: gone } } });
  return { tags, removed: gone.length };
}

export interface TImageTagView {
  tag: string;
  digest: string;
  sizeBytes: number;
  pushedAt: string;
  pushedBy: string | null;
}
export interface TImageRepositoryView {
  repository: string;
  name: string;
  tags: TImageTagView[];
  usedBy: string[];
  sizeBytes: number;
  storedBytes: number;
}
export interface TTeamImagesView {
  repositories: TImageRepositoryView[];
  /** Sum of every tag's size, as if nothing were shared. */
  logicalBytes: number;
  /** Distinct layers: what the team's images take in the registry. */
  storedBytes: number;
}

type TLayer = { digest: string; size: number };
function layersOf(v: Prisma.JsonValue): TLayer[] {
  return Array.isArray(v) ? (v as unknown as TLayer[]).filter((l) => typeof l?.digest === "string" && typeof l.size === "number") : [];
}
function distinctBytes(rows: Array<{ layers: Prisma.JsonValue }>): number {
  const seen = new Map<string, number>();
  for (const r of rows) for (const l of layersOf(r.layers)) seen.set(l.digest, l.size);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

/** Apps of the team whose live sets run a repository (by the reference they were created with). */
async function usage(teamId: string): Promise<Map<string, { apps: Set<string>; digests: Set<string> }>> {
  const containers = await db().container.findMany({
    where: { set: { teamId, state: { not: "Deleting" } } },
    select: { image: true, imageDigest: true, set: { select: { app: { select: { name: true } } } } },
  });
  const out = new Map<string, { apps: Set<string>; digests: Set<string> }>();
  for (const c of containers) {
    const path = repositoryOfReference(c.image);
    if (!path) continue;
    const entry = out.get(path) ?? { apps: new Set(), digests: new Set() };
    entry.apps.add(c.set.app.name);
    if (c.imageDigest) entry.digests.add(c.imageDigest);
    out.set(path, entry);
  }
  return out;
}

export async function teamImages(team: { id: string; slug: string }, repository?: string): Promise<TTeamImagesView> {
  const rows = await db().image.findMany({
    where: { teamId: team.id, ...(repository ? { repository } : {}) },
    orderBy: [{ repository: "asc" }, { pushedAt: "desc" }],
  });
  const used = await usage(team.id);
  const byRepo = new Map<string, typeof rows>();
  for (const r of rows) byRepo.set(r.repository, [...(byRepo.get(r.repository) ?? []), r]);
  const repositories = [...byRepo.entries()].map(([repo, tags]) => ({
    repository: repo,
    name: repo.slice(team.slug.length + 1),
    tags: tags.map((t) => ({ tag: t.tag, digest: t.digest, sizeBytes: Number(t.sizeBytes), pushedAt: t.pushedAt.toISOString(), pushedBy: t.pushedBy })),
    usedBy: [...(used.get(repo)?.apps ?? [])].sort(),
    sizeBytes: tags.reduce((a, t) => a + Number(t.sizeBytes), 0),
    storedBytes: distinctBytes(tags),
  }));
  return { repositories, logicalBytes: rows.reduce((a, t) => a + Number(t.sizeBytes), 0), storedBytes: distinctBytes(rows) };
}

/**
 * Removes a tag. The registry deletes manifests, not tags, so every tag on the same digest goes
 * too (the answer lists them); refused while a live set of the team runs that digest.
 */
export async function deleteImageTag(team: { id: string; slug: string }, repository: string, tag: string): Promise<{ removedTags: string[]; digest: string }> {
  const row = await db().image.findUnique({ where: { repository_tag: { repository, tag } } });
  if (!row || row.teamId !== team.id) throw notFound("Image tag");
  const running = await db().container.findFirst({
    where: { imageDigest: row.digest, set: { state: { not: "Deleting" } } },
    select: { set: { select: { id: true, app: { select: { name: true } } } } },
  });
  if (running) {
    throw new AppError("CONFLICT", `Set ${running.set.id} of app ${running.set.app.name} runs ${repository}@${row.digest}; scale it in or canary it to another image first`, {
      setId: running.set.id,
      app: running.set.app.name,
    });
  }
  // Read before the delete: the registry's delete notification may remove these rows before the call returns.
  const removed = await db().image.findMany({ where: { repository, digest: row.digest }, select: { tag: true } });
  await deleteManifest(repository, row.digest);
  await db().image.deleteMany({ where: { repository, digest: row.digest } });
  return { removedTags: removed.map((r) => r.tag), digest: row.digest };
}

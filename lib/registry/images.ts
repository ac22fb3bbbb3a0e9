import type { TPrincipal } from "../auth/principal";
import { requireTeam } from "../auth/authorize";
import { db } from "../db";
import { notFound } from "../errors";
import type { TLibraryRepositoryView } from "../protocol/images";
import { registryInfo } from "./runtime";
import { LIBRARY } from "./scopes";
import { deleteImageTag, teamImages, type TImageRepositoryView, type TTeamImagesView } from "./catalog";

export interface TRegistryView {
  available: boolean;
  reason: string | null;
  url: string | null;
  host: string | null;
  embedded: boolean;
  /** Namespaces this caller may push to (and `library` to pull from). */
  namespaces: Array<{ namespace: string; pull: boolean; push: boolean }>;
}

export async function registryView(p: TPrincipal): Promise<TRegistryView> {
  const info = registryInfo();
  const memberships = await db().membership.findMany({ where: { userId: p.userId }, select: { role: true, team: { select: { slug: true } } } });
  const namespaces = [
    ...memberships.map((m) => ({ namespace: m.team.slug, pull: true, push: p.isAdmin || m.role !== "VIEWER" })),
    { namespace: LIBRARY, pull: true, push: p.isAdmin },
  ];
  return { available: info.available, reason: info.reason, url: info.url, host: info.host, embedded: info.embedded, namespaces };
}

/** `web`, `team-a/web` and `web/api` all name repositories of the team in the URL. */
export function teamRepository(teamSlug: string, segments: string[]): string {
  const parts = segments[0] === teamSlug && segments.length > 1 ? segments.slice(1) : segments;
  return `${teamSlug}/${parts.join("/")}`;
}

/** The shared repositories, newest tag first; catalog rows without a team are `library`'s (see recordTag). */
async function libraryRepositories(): Promise<TLibraryRepositoryView[]> {
  const rows = await db().image.findMany({ where: { teamId: null }, orderBy: [{ repository: "asc" }, { pushedAt: "desc" }] });
  const byRepo = new Map<string, typeof rows>();
  for (const r of rows) byRepo.set(r.repository, [...(byRepo.get(r.repository) ?? []), r]);
  return [...byRepo.entries()].map(([repository, tags]) => ({
    repository,
    name: repository.slice(LIBRARY.length + 1),
    tags: tags.map((t) => ({ tag: t.tag, digest: t.digest, sizeBytes: Number(t.sizeBytes), pushedAt: t.pushedAt.toISOString(), pushedBy: t.pushedBy })),
    sizeBytes: tags.reduce((a, t) => a + Number(t.sizeBytes), 0),
  }));
}

export async function listTeamImages(
  p: TPrincipal,
  slug: string,
  opts: { library?: boolean } = {},
): Promise<TTeamImagesView & { registry: { host: string | null; available: boolean }; library?: TLibraryRepositoryView[] }> {
  const { team } = await requireTeam(p, slug, "VIEWER");
  const info = registryInfo();
  const [own, library] = await Promise.all([teamImages(team), opts.library ? libraryRepositories() : undefined]);
  return { ...own, registry: { host: info.host, available: info.available }, ...(library ? { library } : {}) };
}

export async function getTeamRepository(p: TPrincipal, slug: string, segments: string[]): Promise<TImageRepositoryView> {
  const { team } = await requireTeam(p, slug, "VIEWER");
  const repository = teamRepository(team.slug, segments);
  const view = await teamImages(team, repository);
  const repo = view.repositories[0];
  if (!repo) throw notFound(`Repository ${repository}`);
  return repo;
}

export async function deleteTeamImageTag(p: TPrincipal, slug: string, segments: string[], tag: string) {
  const { team } = await requireTeam(p, slug, "MEMBER");
  return deleteImageTag(team, teamRepository(team.slug, segments), tag);
}

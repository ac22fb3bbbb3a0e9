import type { TPrincipal } from "../auth/principal";
import { requireTeam } from "../auth/authorize";
import { db } from "../db";
import { notFound } from "../errors";
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

export async function listTeamImages(p: TPrincipal, slug: string): Promise<TTeamImagesView & { registry: { host: string | null; available: boolean } }> {
  const { team } = await requireTeam(p, slug, "VIEWER");
  const info = registryInfo();
  return { ...(await teamImages(team)), registry: { host: info.host, available: info.available } };
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

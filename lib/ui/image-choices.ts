import type { TTeamImagesView } from "@/lib/protocol/images";

/** One reference an image field can offer, as apps write it (`team-a/web:1`, `library/busybox:1`). */
export interface TImageChoice {
  reference: string;
  digest: string;
  pushedAt: string;
  /** From the shared `library` namespace rather than the team's own. */
  library: boolean;
}

/** What an image field knows about the catalog, which decides its suggestions and its hint. */
export type TImageCatalog =
  | { kind: "loading" }
  | { kind: "failed"; message: string }
  /** Tags listed then are not pullable now, so none is offered: the field is plain text. */
  | { kind: "no-registry" }
  | { kind: "ready"; choices: TImageChoice[]; teamTags: number };

/** The team's tags first (the ones it most likely means), then library's; each repository newest first. */
export function catalogOf(view: TTeamImagesView): TImageCatalog {
  if (!view.registry.available) return { kind: "no-registry" };
  const own = view.repositories.flatMap((r) => r.tags.map((t) => ({ reference: `${r.repository}:${t.tag}`, digest: t.digest, pushedAt: t.pushedAt, library: false })));
  const shared = (view.library ?? []).flatMap((r) => r.tags.map((t) => ({ reference: `${r.repository}:${t.tag}`, digest: t.digest, pushedAt: t.pushedAt, library: true })));
  return { kind: "ready", choices: [...own, ...shared], teamTags: own.length };
}

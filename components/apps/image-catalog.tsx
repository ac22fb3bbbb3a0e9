"use client";

import Link from "next/link";
import { useEffect, useState, type ReactNode } from "react";
import { ZTeamImages } from "@/lib/protocol/images";
import { relativeTime } from "@/lib/ui/format";
import { catalogOf, type TImageCatalog } from "@/lib/ui/image-choices";
import { apiFetch } from "../api-fetch";
import { shortDigest } from "../images/digest";

/**
 * The team's and library's image tags for an image field, fetched once per `opening` (a number
 * that changes each time the form opens; null while it is closed). Read in the browser rather
 * than passed from the page: a dialog may open long after the page loaded, and a push since then
 * should be offered.
 */
export function useImageCatalog(team: string, opening: number | null): TImageCatalog {
  const key = opening === null ? null : `${team}#${opening}`;
  const [result, setResult] = useState<{ key: string; catalog: TImageCatalog } | null>(null);
  useEffect(() => {
    if (key === null) return;
    let current = true;
    apiFetch(`/api/v1/teams/${encodeURIComponent(team)}/images?include=library`, { schema: ZTeamImages }).then(
      (view) => current && setResult({ key, catalog: catalogOf(view) }),
      (err: unknown) => current && setResult({ key, catalog: { kind: "failed", message: err instanceof Error ? err.message : String(err) } }),
    );
    return () => {
      current = false;
    };
  }, [team, key]);
  return result && result.key === key ? result.catalog : { kind: "loading" };
}

/**
 * A datalist of the catalog for inputs that name it in `list`: the browser suggests as one types
 * and any other reference can still be typed. Nothing is rendered while there is nothing to offer.
 */
export function ImageChoices({ id, catalog }: { id: string; catalog: TImageCatalog }) {
  if (catalog.kind !== "ready" || catalog.choices.length === 0) return null;
  const now = Date.now();
  return (
    <datalist id={id} data-testid="image-choices">
      {catalog.choices.map((c) => (
        <option key={c.reference} value={c.reference}>
          {`${shortDigest(c.digest)} · pushed ${relativeTime(c.pushedAt, now)}${c.library ? " · shared library" : ""}`}
        </option>
      ))}
    </datalist>
  );
}

/** Whether an image input should point at the datalist ImageChoices renders. */
export function hasChoices(catalog: TImageCatalog): boolean {
  return catalog.kind === "ready" && catalog.choices.length > 0;
}

const imagesLink = (
  <Link href="/images" className="font-medium text-blue-700 hover:underline dark:text-blue-400">
    Images page
  </Link>
);

/** The image field's hint: how many tags it offers, or why it offers none and where to push one. */
export function imageHint(catalog: TImageCatalog, fallback: ReactNode): ReactNode {
  switch (catalog.kind) {
    case "loading":
      return fallback;
    case "failed":
      return <>The image catalog did not load ({catalog.message}); type a reference, or see the {imagesLink}.</>;
    case "no-registry":
      return <>The registry is not running, so there are no images to pick; type a reference the hosts can pull (see the {imagesLink}).</>;
    case "ready": {
      const n = catalog.choices.length;
      if (n === 0) return <>No images in the registry yet: push one from the {imagesLink}, or type a reference.</>;
      const offered = <>Suggests {n === 1 ? "1 image" : `${n} images`} from the registry as you type; any other reference works too.</>;
      if (catalog.teamTags > 0) return offered;
      return (
        <>
          {offered} The team has none of its own yet: push one from the {imagesLink}.
        </>
      );
    }
  }
}

"use client";

import { z } from "zod";

const BLOCK = 512;
// docker save writes a handful of entries per layer; a walk this long is no image tarball, so it stops there.
const MAX_ENTRIES = 10_000;

const ZSaveManifest = z.array(z.object({ RepoTags: z.array(z.string()).nullable().optional() }));

export interface TTarballInfo {
  /** A docker save or OCI layout tarball: it has manifest.json or index.json at its root. */
  looksLikeImage: boolean;
  /** `berth/test-busybox:1` as `docker save` recorded it, if it did. */
  repoTag: string | null;
}

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

/**
 * Walks the tar headers (one small read per entry, never the layers) to find what the tarball
 * holds, so the form can say "not an image" before sending megabytes and can suggest a name.
 */
export async function inspectTarball(file: File): Promise<TTarballInfo> {
  let offset = 0;
  let looksLikeImage = false;
  let repoTag: string | null = null;
  for (let i = 0; i < MAX_ENTRIES && offset + BLOCK <= file.size; i++) {
    const header = new Uint8Array(await file.slice(offset, offset + BLOCK).arrayBuffer());
    if (header.every((b) => b === 0)) break;
    const name = field(header, 0, 100).replace(/^\.\//, "");
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    if (!Number.isFinite(size)) break;
    const body = offset + BLOCK;
    if (name === "manifest.json" || name === "index.json") looksLikeImage = true;
    if (name === "manifest.json" && size < 1 << 20) {
      const parsed = ZSaveManifest.safeParse(JSON.parse(await file.slice(body, body + size).text()));
      if (parsed.success) repoTag = parsed.data.flatMap((m) => m.RepoTags ?? [])[0] ?? null;
    }
    offset = body + Math.ceil(size / BLOCK) * BLOCK;
  }
  return { looksLikeImage, repoTag };
}

/** `registry:5000/team/web:1.2` → `{repository: "web", tag: "1.2"}`: the last path part, as a name in this team. */
export function splitRepoTag(repoTag: string): { repository: string; tag: string } {
  const slash = repoTag.lastIndexOf("/");
  const colon = repoTag.lastIndexOf(":");
  const hasTag = colon > slash;
  return { repository: repoTag.slice(slash + 1, hasTag ? colon : undefined), tag: hasTag ? repoTag.slice(colon + 1) : "latest" };
}

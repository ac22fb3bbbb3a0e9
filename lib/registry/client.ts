import { AppError } from "../errors";
import { registryInfo, tokenSigner } from "./runtime";
import { signRegistryToken } from "./token";
import type { TAccess } from "./scopes";

/** Manifest media types Berth accepts, newest first: what `docker push` and OCI tools produce. */
export const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

export interface TManifestSummary {
  digest: string;
  sizeBytes: number;
  layers: Array<{ digest: string; size: number }>;
}

function registryUrl(): string {
  const info = registryInfo();
  if (!info.available || !info.url) throw new AppError("CONFLICT", info.reason ?? "No registry is configured");
  return info.url;
}

/** A token the console gives itself for one call (the registry trusts only signed tokens). */
async function bearer(access: TAccess[], subject: string): Promise<string> {
  const { token } = await signRegistryToken(await tokenSigner(), subject, access, 60);
  return `Bearer ${token}`;
}

/**
 * A call to the registry with a console-signed token. `subject` is who the registry's
 * notifications will name as the actor (an uploader rather than the console, as for their `docker push`).
 */
export async function registryFetch(pathAndQuery: string, access: TAccess[], init: RequestInit = {}, subject = "berth-console"): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", await bearer(access, subject));
  try {
    return await fetch(`${registryUrl()}${pathAndQuery}`, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new AppError("UNAVAILABLE", `The registry did not answer: ${(err as Error).message}`);
  }
}

const pull = (repository: string): TAccess[] => [{ type: "repository", name: repository, actions: ["pull"] }];

/** The digest a tag points at now, or null when the repository or tag does not exist. */
export async function resolveDigest(repository: string, tag: string): Promise<string | null> {
  const res = await registryFetch(`/v2/${repository}/manifests/${encodeURIComponent(tag)}`, pull(repository), {
    method: "HEAD",
    headers: { Accept: MANIFEST_TYPES.join(", ") },
  });
  if (res.status === 404) return null;
  if (!res.ok) throw new AppError("UNAVAILABLE", `The registry answered ${res.status} for ${repository}:${tag}`);
  return res.headers.get("docker-content-digest");
}

interface TManifestJson {
  mediaType?: string;
  config?: { digest: string; size: number };
  layers?: Array<{ digest: string; size: number }>;
  manifests?: Array<{ digest: string; platform?: { os?: string; architecture?: string } }>;
}

/** Digest, total size and layers of a tag or digest (for an index: its linux/amd64 image, else its first). */
export async function manifestSummary(repository: string, reference: string): Promise<TManifestSummary | null> {
  const res = await registryFetch(`/v2/${repository}/manifests/${encodeURIComponent(reference)}`, pull(repository), {
    headers: { Accept: MANIFEST_TYPES.join(", ") },
  });
  if (res.status === 404) return null;
  if (!res.ok) throw new AppError("UNAVAILABLE", `The registry answered ${res.status} for ${repository}@${reference}`);
  const digest = res.headers.get("docker-content-digest") ?? reference;
  const m = (await res.json()) as TManifestJson;
  if (m.manifests?.length) {
    const pick = m.manifests.find((x) => x.platform?.os === "linux" && x.platform.architecture === "amd64") ?? m.manifests[0];
    const inner = pick ? await manifestSummary(repository, pick.digest) : null;
    return inner ? { ...inner, digest } : null;
  }
  const layers = (m.layers ?? []).map((l) => ({ digest: l.digest, size: l.size }));
  const sizeBytes = layers.reduce((a, l) => a + l.size, 0) + (m.config?.size ?? 0);
  return { digest, sizeBytes, layers };
}

export async function deleteManifest(repository: string, digest: string): Promise<void> {
  const res = await registryFetch(`/v2/${repository}/manifests/${digest}`, [{ type: "repository", name: repository, actions: ["delete", "*"] }], {
    method: "DELETE",
  });
  if (!res.ok && res.status !== 404) throw new AppError("UNAVAILABLE", `The registry refused to delete ${repository}@${digest} (${res.status})`);
}

export async function listRepositories(): Promise<string[]> {
  const out: string[] = [];
  let next: string | null = "/v2/_catalog?n=1000";
  while (next) {
    const res: Response = await registryFetch(next, [{ type: "registry", name: "catalog", actions: ["*"] }]);
    if (!res.ok) throw new AppError("UNAVAILABLE", `The registry's catalog answered ${res.status}`);
    out.push(...(((await res.json()) as { repositories?: string[] }).repositories ?? []));
    const link = res.headers.get("link")?.match(/<([^>]+)>/)?.[1];
    next = link ? (link.startsWith("/") ? link : new URL(link).pathname + new URL(link).search) : null;
  }
  return out;
}

export async function listTags(repository: string): Promise<string[]> {
  const res = await registryFetch(`/v2/${repository}/tags/list`, pull(repository));
  if (res.status === 404) return [];
  if (!res.ok) throw new AppError("UNAVAILABLE", `The registry's tag list answered ${res.status}`);
  return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
}

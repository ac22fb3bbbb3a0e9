import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { PACKAGE_VERSION } from "../version";
import { AppError } from "../errors";
import { busyboxRootfs } from "../images/busybox";
import { recordTag } from "./catalog";
import { registryFetch } from "./client";
import { configuredRegistryHost } from "./runtime";
import type { TAccess } from "./scopes";

/**
 * The infra container's image, published by the console into `library/berth-infra` so a fresh
 * host pulls it like any other image (with its host credential) instead of needing BusyBox on
 * its own disk. Built here, without Docker: one gzip layer of the BusyBox root filesystem, whose
 * digest only changes with the BusyBox binary.
 */
export const INFRA_REPOSITORY = "library/berth-infra";

const LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip";
const CONFIG_TYPE = "application/vnd.docker.container.image.v1+json";
const MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";
const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x" };

interface TInfraGlobal {
  ref?: string | null;
}
function state(): TInfraGlobal {
  const g = globalThis as typeof globalThis & { berthInfraImage?: TInfraGlobal };
  g.berthInfraImage ??= {};
  return g.berthInfraImage;
}

/** `<registry>/library/berth-infra@sha256:…` once published in this process, else null. */
export function publishedInfraImage(): string | null {
  return state().ref ?? null;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const access: TAccess[] = [{ type: "repository", name: INFRA_REPOSITORY, actions: ["pull", "push"] }];

async function pushBlob(blob: Buffer, digest: string): Promise<void> {
  const head = await registryFetch(`/v2/${INFRA_REPOSITORY}/blobs/${digest}`, access, { method: "HEAD" });
  if (head.ok) return;
  // Monolithic upload: the blobs are small (a static BusyBox gzips to about 1 MB).
  const started = await registryFetch(`/v2/${INFRA_REPOSITORY}/blobs/uploads/`, access, { method: "POST" });
  await started.body?.cancel();
  const location = started.headers.get("location");
  if (started.status !== 202 || !location) throw new AppError("UNAVAILABLE", `The registry refused a blob upload (${started.status})`);
  const url = new URL(location, "http://registry.invalid");
  url.searchParams.set("digest", digest);
  const done = await registryFetch(url.pathname + url.search, access, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: new Uint8Array(blob),
  });
  await done.body?.cancel();
  if (done.status !== 201) throw new AppError("UNAVAILABLE", `The registry refused blob ${digest} (${done.status})`);
}

/**
 * Builds and pushes `library/berth-infra:<version>`, records it in the catalog, and returns the
 * pinned reference agents pull. Pushing identical bytes again is a few HEAD requests.
 */
export async function publishInfraImage(): Promise<string> {
  const tar = await collect(busyboxRootfs());
  // gzip output carries no timestamp from zlib's defaults: same tar, same bytes, same digest.
  const layer = gzipSync(tar, { level: 6 });
  const layerDigest = sha256(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: ARCH[process.arch] ?? process.arch,
      os: "linux",
      config: { Env: ["PATH=/bin"], Cmd: ["/bin/sh"], Labels: { "berth.role": "infra", "berth.version": PACKAGE_VERSION } },
      rootfs: { type: "layers", diff_ids: [sha256(tar)] },
      history: [{ created_by: "berth console: BusyBox root filesystem" }],
    }),
  );
  const configDigest = sha256(config);
  await pushBlob(layer, layerDigest);
  await pushBlob(config, configDigest);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: CONFIG_TYPE, size: config.length, digest: configDigest },
      layers: [{ mediaType: LAYER_TYPE, size: layer.length, digest: layerDigest }],
    }),
  );
  const put = await registryFetch(`/v2/${INFRA_REPOSITORY}/manifests/${encodeURIComponent(PACKAGE_VERSION)}`, access, {
    method: "PUT",
    headers: { "Content-Type": MANIFEST_TYPE },
    body: new Uint8Array(manifest),
  });
  await put.body?.cancel();
  if (put.status !== 201) throw new AppError("UNAVAILABLE", `The registry refused the infra image manifest (${put.status})`);
  const digest = put.headers.get("docker-content-digest") ?? sha256(manifest);
  await recordTag(INFRA_REPOSITORY, PACKAGE_VERSION, digest, "berth-console", new Date());
  const ref = `${configuredRegistryHost()}/${INFRA_REPOSITORY}@${digest}`;
  state().ref = ref;
  return ref;
}

import { createHash } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import { extract, type Extract, type ExtractEvents } from "tar-stream";
import { z } from "zod";
import type { TPrincipal } from "../auth/principal";
import { requireTeam } from "../auth/authorize";
import { settings } from "../env";
import { AppError } from "../errors";
import { recordTag } from "./catalog";
import { registryFetch } from "./client";
import { teamRepository } from "./images";
import { registryInfo } from "./runtime";
import type { TAccess } from "./scopes";

/**
 * `docker save` (or an OCI image layout) tarball in, an image in the team's repository out:
 * each blob streams from the request into the registry as its tar entry passes, so the console
 * holds one chunk at a time whatever the image's size.
 */

export { ZImageUploadQuery, type TImageUploadQuery, type TImageUploaded } from "../protocol/images";
import { MAX_REPOSITORY, type TImageUploadQuery, type TImageUploaded } from "../protocol/images";

// manifest.json, index.json and manifests are small; a bigger one is not what it claims to be.
const MAX_JSON_BYTES = 4 * 1024 * 1024;


const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
// docker save writes layers uncompressed; the registry stores them as they are and Docker pulls them.
const DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
const INDEX_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];

const ZDockerSave = z.array(z.object({ Config: z.string(), Layers: z.array(z.string()) }).passthrough()).min(1);
const ZDescriptor = z
  .object({
    mediaType: z.string(),
    digest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
    size: z.number().int().nonnegative(),
    platform: z.object({ os: z.string().optional(), architecture: z.string().optional() }).passthrough().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();
const ZIndex = z.object({ manifests: z.array(ZDescriptor).min(1) }).passthrough();
type TDescriptor = z.infer<typeof ZDescriptor>;

interface TBlob {
  digest: string;
  size: number;
}

interface TArchive {
  dockerManifest: Buffer | null;
  ociIndex: Buffer | null;
  /** Blobs pushed, by their path in the archive. */
  blobs: Map<string, TBlob>;
  /** Symbolic and hard links: legacy `docker save` links a layer shared by two images. */
  links: Map<string, string>;
}

/** One tar entry: a streamx Readable of Buffers with its header. */
type Entry = ExtractEvents["entry"][1];

const invalid = (message: string) => new AppError("VALIDATION", message);
const tooLarge = (max: number) => new AppError("PAYLOAD_TOO_LARGE", `The image is larger than this console accepts (BERTH_IMAGE_UPLOAD_MAX_BYTES = ${max} bytes)`, { maxBytes: max });
const pushPull = (repository: string): TAccess[] => [{ type: "repository", name: repository, actions: ["pull", "push"] }];

export async function uploadImage(
  p: TPrincipal,
  slug: string,
  query: TImageUploadQuery,
  input: { body: ReadableStream<Uint8Array> | null; contentLength: string | null },
): Promise<TImageUploaded> {
  const { team } = await requireTeam(p, slug, "MEMBER");
  const max = settings().BERTH_IMAGE_UPLOAD_MAX_BYTES;
  if (input.contentLength !== null && Number(input.contentLength) > max) throw tooLarge(max);
  if (!input.body) throw invalid("The body must be a `docker save` tarball or an OCI image layout tar");
  const info = registryInfo();
  if (!info.available) throw new AppError("CONFLICT", info.reason ?? "No registry is configured");
  const repository = teamRepository(team.slug, query.repository.split("/"));
  if (repository.length > MAX_REPOSITORY) throw invalid(`repository: ${repository} is longer than ${MAX_REPOSITORY} characters`);

  const archive = await readArchive(repository, input.body, max);
  let digest: string;
  if (archive.dockerManifest) digest = await putDockerManifest(p, repository, query.tag, archive);
  else if (archive.ociIndex) digest = await putOciManifest(p, repository, query.tag, archive);
  else throw invalid("The archive has neither manifest.json (docker save) nor index.json (OCI image layout)");
  if (!(await recordTag(repository, query.tag, digest, p.email, new Date()))) {
    throw new AppError("UNAVAILABLE", `The registry does not show ${repository}:${query.tag} right after it took the manifest`);
  }
  return { repository, tag: query.tag, digest };
}

/** Feeds the body into the tar parser while entries are handled; the first failure, of either side, is the answer. */
async function readArchive(repository: string, body: ReadableStream<Uint8Array>, max: number): Promise<TArchive> {
  const archive: TArchive = { dockerManifest: null, ociIndex: null, blobs: new Map(), links: new Map() };
  const tar = extract();
  const abort = new AbortController();
  let failure: unknown = null;
  const fail = (err: unknown) => {
    if (failure !== null) return;
    failure = err;
    abort.abort();
    tar.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  const feeding = feed(body, tar, max, () => failure !== null).catch(fail);
  try {
    for await (const entry of tar) await onEntry(repository, entry, archive, abort.signal);
  } catch (err) {
    fail(err);
  }
  await feeding;
  if (failure instanceof AppError) throw failure;
  // Anything else came from the tar parser (or a client that went away): the body was no tar.
  if (failure !== null) throw invalid(`The body is not a readable tar archive: ${(failure as Error).message}`);
  return archive;
}

async function feed(body: ReadableStream<Uint8Array>, tar: Extract, max: number, stopped: () => boolean): Promise<void> {
  let seen = 0;
  for await (const chunk of body) {
    if (stopped()) return;
    seen += chunk.byteLength;
    // Content-Length may be absent (chunked) or wrong: the count is what holds.
    if (seen > max) throw tooLarge(max);
    if (!tar.write(chunk)) await drained(tar);
  }
  if (!stopped()) tar.end(null);
}

function drained(tar: Extract): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      tar.off("drain", done);
      tar.off("close", done);
      resolve();
    };
    tar.on("drain", done);
    tar.on("close", done);
  });
}

function archivePath(name: string): string {
  return path.posix.normalize(name).replace(/^(\.\/)+/, "").replace(/^\/+/, "");
}

async function onEntry(repository: string, entry: Entry, archive: TArchive, signal: AbortSignal): Promise<void> {
  const name = archivePath(entry.header.name);
  const type = entry.header.type;
  if ((type === "symlink" || type === "link") && entry.header.linkname) {
    const target = type === "symlink" ? path.posix.join(path.posix.dirname(name), entry.header.linkname) : entry.header.linkname;
    archive.links.set(name, archivePath(target));
  }
  if (type !== "file" && type !== "contiguous-file") return void (await discard(entry));
  if (name === "manifest.json") archive.dockerManifest = await readSmall(entry, name);
  else if (name === "index.json") archive.ociIndex = await readSmall(entry, name);
  else if (/^blobs\/sha256\/[a-f0-9]{64}$/.test(name) || name.endsWith("/layer.tar") || /^[a-f0-9]{64}\.json$/.test(name)) {
    const blob = await pushBlob(repository, entry, signal);
    const named = name.startsWith("blobs/") ? `sha256:${name.slice("blobs/sha256/".length)}` : null;
    if (named && named !== blob.digest) throw invalid(`${name} does not hash to its name (${blob.digest})`);
    archive.blobs.set(name, blob);
  } else await discard(entry);
}

async function discard(entry: Entry): Promise<number> {
  let bytes = 0;
  for await (const chunk of entry) bytes += (chunk as Buffer).byteLength;
  return bytes;
}

async function readSmall(entry: Entry, name: string): Promise<Buffer> {
  if ((entry.header.size ?? 0) > MAX_JSON_BYTES) throw invalid(`${name} is larger than ${MAX_JSON_BYTES} bytes`);
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A registry answer other than the one expected, with the registry's own words. */
async function refused(res: Response, what: string): Promise<AppError> {
  const text = (await res.text().catch((err: unknown) => String(err))).slice(0, 500);
  // 400 from the registry means the archive's content (a digest, a manifest) is wrong.
  return new AppError(res.status === 400 ? "VALIDATION" : "UNAVAILABLE", `The registry refused to ${what} (${res.status}): ${text}`);
}

function registryPath(location: string | null): string {
  if (!location) throw new AppError("UNAVAILABLE", "The registry answered a blob upload without a Location");
  const url = new URL(location, "http://registry.invalid");
  return url.pathname + url.search;
}

/** POST, then PATCH with the entry as a chunked body (hashed on the way), then PUT with the digest. */
async function pushBlob(repository: string, entry: Entry, signal: AbortSignal): Promise<TBlob> {
  const access = pushPull(repository);
  const hash = createHash("sha256");
  let size = 0;
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of entry) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
      yield chunk as Buffer;
    }
  }
  const started = await registryFetch(`/v2/${repository}/blobs/uploads/`, access, { method: "POST", signal });
  if (started.status !== 202) throw await refused(started, "start a blob upload");
  await started.body?.cancel();
  // Node's fetch streams a ReadableStream body only when told it is half duplex (missing from the
  // DOM typings). Unless redirects are errors, it tees the body to replay it on a redirect and the
  // unread branch keeps every chunk: the whole layer would stay in memory.
  const patch: RequestInit & { duplex: "half" } = {
    method: "PATCH",
    headers: { "Content-Type": "application/octet-stream" },
    body: Readable.toWeb(Readable.from(hashed(), { objectMode: false })) as ReadableStream<Uint8Array>,
    duplex: "half",
    redirect: "error",
    signal,
  };
  const sent = await registryFetch(registryPath(started.headers.get("location")), access, patch);
  if (sent.status !== 202) throw await refused(sent, `take ${entry.header.name}`);
  await sent.body?.cancel();
  const digest = `sha256:${hash.digest("hex")}`;
  const next = registryPath(sent.headers.get("location"));
  const done = await registryFetch(`${next}${next.includes("?") ? "&" : "?"}digest=${digest}`, access, { method: "PUT", signal });
  if (done.status !== 201) throw await refused(done, `commit ${entry.header.name}`);
  await done.body?.cancel();
  return { digest, size };
}

function blobAt(archive: TArchive, name: string): TBlob {
  let at = archivePath(name);
  for (let hops = 0; hops < 8 && !archive.blobs.has(at); hops++) {
    const target = archive.links.get(at);
    if (!target) break;
    at = target;
  }
  const blob = archive.blobs.get(at);
  if (!blob) throw invalid(`manifest.json names ${name}, which the archive does not hold`);
  return blob;
}

function parseJson<T>(raw: Buffer, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw invalid(`${what} is not JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(`${what} is not what it should be: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`);
  return parsed.data;
}

async function putDockerManifest(p: TPrincipal, repository: string, tag: string, archive: TArchive): Promise<string> {
  const images = parseJson(archive.dockerManifest as Buffer, ZDockerSave, "manifest.json");
  if (images.length > 1) throw invalid(`The archive holds ${images.length} images; save one image per upload`);
  const image = images[0];
  const config = blobAt(archive, image.Config);
  const manifest = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, size: config.size, digest: config.digest },
    layers: image.Layers.map((l) => {
      const layer = blobAt(archive, l);
      return { mediaType: DOCKER_LAYER, size: layer.size, digest: layer.digest };
    }),
  };
  return putManifest(p, repository, tag, DOCKER_MANIFEST, Buffer.from(JSON.stringify(manifest)));
}

async function readBlob(repository: string, desc: TDescriptor): Promise<Buffer> {
  if (desc.size > MAX_JSON_BYTES) throw invalid(`Manifest ${desc.digest} is larger than ${MAX_JSON_BYTES} bytes`);
  const res = await registryFetch(`/v2/${repository}/blobs/${desc.digest}`, pushPull(repository));
  if (!res.ok) throw await refused(res, `return blob ${desc.digest}`);
  return Buffer.from(await res.arrayBuffer());
}

async function putOciManifest(p: TPrincipal, repository: string, tag: string, archive: TArchive): Promise<string> {
  const index = parseJson(archive.ociIndex as Buffer, ZIndex, "index.json");
  const pushed = new Set([...archive.blobs.values()].map((b) => b.digest));
  const named = index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  return putManifestBlob(p, repository, named ?? index.manifests[0], tag, pushed, 0);
}

/** A manifest of the layout, PUT with its own bytes and media type; an index's manifests go first. */
async function putManifestBlob(p: TPrincipal, repository: string, desc: TDescriptor, reference: string, pushed: Set<string>, depth: number): Promise<string> {
  if (depth > 3) throw invalid("index.json nests indexes deeper than Berth follows");
  if (!pushed.has(desc.digest)) throw invalid(`index.json names ${desc.digest}, which the archive does not hold`);
  const raw = await readBlob(repository, desc);
  if (INDEX_TYPES.includes(desc.mediaType)) {
    const children = parseJson(raw, ZIndex, `Index ${desc.digest}`).manifests;
    const present = children.filter((m) => pushed.has(m.digest));
    if (present.length < children.length) {
      // Exporters often save one platform of a multi-platform index: push that image, not the index.
      const pick = present.find((m) => m.platform?.os === "linux" && m.platform.architecture === "amd64") ?? present[0];
      if (!pick) throw invalid(`Index ${desc.digest} names no manifest the archive holds`);
      return putManifestBlob(p, repository, pick, reference, pushed, depth + 1);
    }
    for (const child of children) await putManifestBlob(p, repository, child, child.digest, pushed, depth + 1);
  }
  return putManifest(p, repository, reference, desc.mediaType, raw);
}

/**
 * Signed as the uploader rather than as the console: the registry's push notification then names
 * the same person recordTag does, as it does for a `docker push`.
 */
async function putManifest(p: TPrincipal, repository: string, reference: string, mediaType: string, raw: Buffer): Promise<string> {
  const res = await registryFetch(
    `/v2/${repository}/manifests/${encodeURIComponent(reference)}`,
    pushPull(repository),
    { method: "PUT", headers: { "Content-Type": mediaType }, body: new Uint8Array(raw) },
    p.email,
  );
  if (res.status !== 201) throw await refused(res, `take the manifest of ${repository}:${reference}`);
  await res.body?.cancel();
  return res.headers.get("docker-content-digest") ?? `sha256:${createHash("sha256").update(raw).digest("hex")}`;
}

import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { VolumeError } from "./xfs";

/**
 * A set volume's XFS image copied from one host to another through the console (agents reach
 * only the console): the sending agent PUTs the image gzip-compressed (a sparse image's holes are
 * runs of zeros, which compress to almost nothing), the receiving agent GETs it and writes it back
 * sparse (zero runs become holes again). Both hash the raw image; the console compares the two.
 */

export interface TTransferResult {
  /** Raw image bytes (the image's size). */
  bytes: number;
  sha256: string;
}

/** The relay's address for a transfer: the console's own, never one a message names. */
export function transferUrl(consoleUrl: string, transferId: string): URL {
  return new URL(`/api/v1/agent/transfers/${encodeURIComponent(transferId)}`, consoleUrl);
}

function client(url: URL): typeof http | typeof https {
  return url.protocol === "https:" ? https : http;
}

/** Hashes and counts the raw bytes flowing through. */
function rawCounter(onBytes: (total: number) => void): Transform & { result(): TTransferResult } {
  const hash = createHash("sha256");
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes(bytes);
      cb(null, chunk);
    },
  });
  return Object.assign(t, { result: () => ({ bytes, sha256: hash.digest("hex") }) });
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of res) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString("utf8").slice(0, 500);
}

export async function uploadImage(image: string, url: URL, onBytes: (total: number) => void): Promise<TTransferResult> {
  const counter = rawCounter(onBytes);
  const req = client(url).request(url, { method: "PUT", headers: { "content-type": "application/octet-stream", "content-encoding": "gzip" } });
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once("response", resolve);
    req.once("error", reject);
  });
  await pipeline(fs.createReadStream(image, { highWaterMark: 1 << 20 }), counter, zlib.createGzip({ level: 1 }), req);
  const res = await answered;
  const body = await readAll(res);
  if (res.statusCode !== 200) throw new VolumeError("VOLUME_FAILED", `the console refused the volume upload (${res.statusCode}): ${body}`);
  return counter.result();
}

const ZEROS = Buffer.alloc(64 * 1024);

function isZero(chunk: Buffer): boolean {
  for (let i = 0; i < chunk.length; i += ZEROS.length) {
    const part = chunk.subarray(i, Math.min(chunk.length, i + ZEROS.length));
    if (!part.equals(ZEROS.subarray(0, part.length))) return false;
  }
  return true;
}

/** Writes at increasing offsets, leaving zero chunks as holes; the file gets its full length at the end. */
class SparseWriter extends Writable {
  private position = 0;
  constructor(private readonly fd: number) {
    super({ highWaterMark: 1 << 20 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const at = this.position;
    this.position += chunk.length;
    if (isZero(chunk)) return cb();
    fs.write(this.fd, chunk, 0, chunk.length, at, (err) => cb(err));
  }

  override _final(cb: (err?: Error | null) => void): void {
    fs.ftruncate(this.fd, this.position, (err) => (err ? cb(err) : fs.fsync(this.fd, (e) => cb(e))));
  }
}

/** Downloads into `target` (which must not exist); refuses more than `maxBytes` of image. */
export async function downloadImage(url: URL, target: string, maxBytes: number, onBytes: (total: number) => void): Promise<TTransferResult> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = client(url).request(url, { method: "GET" });
    req.once("response", resolve);
    req.once("error", reject);
    req.end();
  });
  if (res.statusCode !== 200) throw new VolumeError("VOLUME_FAILED", `the console did not hand over the volume (${res.statusCode}): ${await readAll(res)}`);
  const counter = rawCounter((n) => {
    if (n > maxBytes) counter.destroy(new VolumeError("VOLUME_FAILED", `the volume image is larger than its set's size (${maxBytes} bytes)`));
    onBytes(n);
  });
  const fd = fs.openSync(target, "wx", 0o600);
  try {
    await pipeline(res, zlib.createGunzip(), counter, new SparseWriter(fd));
  } finally {
    fs.closeSync(fd);
  }
  return counter.result();
}

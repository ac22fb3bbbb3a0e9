import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The console's relay for volume images moving between hosts (agents reach only the console):
 * the sending agent PUTs `/api/v1/agent/transfers/{id}`, the receiving one GETs it, and the upload
 * is piped into the download with the sockets' own backpressure, so the console holds no more than
 * a few buffers of it. The id is a 256-bit secret handed to the two agents over their
 * authenticated connections, usable once in each direction and only while the move runs.
 *
 * Served from server.ts, before Next and before the body cap (an image is far larger); opened by
 * the drain, which runs in a route handler's module copy: the registry is shared on globalThis.
 */

interface TTransfer {
  id: string;
  setId: string;
  toHostId: string;
  upload: { req: IncomingMessage; res: ServerResponse } | null;
  download: ServerResponse | null;
  usedUpload: boolean;
  usedDownload: boolean;
  /** Compressed bytes relayed so far. */
  relayed: number;
  /** Raw image bytes the receiver reports written. */
  received: number;
  waitTimer: NodeJS.Timeout | null;
}

const PATH = /^\/api\/v1\/agent\/transfers\/([A-Za-z0-9_-]{32,64})$/;
/** How long one side waits for the other to arrive. */
const PAIR_TIMEOUT_MS = 60_000;

const holder = globalThis as unknown as { berthTransfers?: Map<string, TTransfer> };
function transfers(): Map<string, TTransfer> {
  holder.berthTransfers ??= new Map();
  return holder.berthTransfers;
}

export function openTransfer(setId: string, toHostId: string): string {
  const id = randomBytes(32).toString("base64url");
  transfers().set(id, { id, setId, toHostId, upload: null, download: null, usedUpload: false, usedDownload: false, relayed: 0, received: 0, waitTimer: null });
  return id;
}

/** Ends a transfer; whatever of it is still flowing is cut. */
export function closeTransfer(id: string): void {
  const t = transfers().get(id);
  if (!t) return;
  transfers().delete(id);
  if (t.waitTimer) clearTimeout(t.waitTimer);
  t.upload?.req.destroy();
  if (t.upload && !t.upload.res.headersSent) t.upload.res.writeHead(410).end();
  t.download?.destroy();
}

/** The receiving agent's report of raw bytes written; ignored from any other host. */
export function recordTransferProgress(id: string, hostId: string, bytes: number): void {
  const t = transfers().get(id);
  if (t && t.toHostId === hostId) t.received = Math.max(t.received, bytes);
}

export function transferProgress(id: string): { relayed: number; received: number } | null {
  const t = transfers().get(id);
  return t ? { relayed: t.relayed, received: t.received } : null;
}

function refuse(res: ServerResponse, status: number, message: string): true {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: status === 404 ? "NOT_FOUND" : "CONFLICT", message } }));
  return true;
}

function pair(t: TTransfer): void {
  if (!t.upload || !t.download) return;
  if (t.waitTimer) clearTimeout(t.waitTimer);
  t.waitTimer = null;
  const { req: up, res: upRes } = t.upload;
  const down = t.download;
  down.writeHead(200, { "content-type": "application/octet-stream", "cache-control": "no-store" });
  up.on("data", (chunk: Buffer) => {
    t.relayed += chunk.length;
  });
  up.on("end", () => {
    if (!upRes.headersSent) upRes.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ relayed: t.relayed }));
  });
  // Either side gone early: the other is cut too, so both agents fail fast instead of hanging.
  up.on("close", () => {
    if (!up.complete) down.destroy();
  });
  down.on("close", () => {
    if (!down.writableFinished) up.destroy();
  });
  up.pipe(down);
}

/** Serves a transfer request; false when the request is not one (Next handles it). */
export function handleTransferRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const match = PATH.exec(new URL(req.url ?? "/", "http://relay").pathname);
  if (!match) return false;
  const t = transfers().get(match[1]);
  if (!t) return refuse(res, 404, "No such transfer");
  if (req.method === "PUT") {
    if (t.usedUpload) return refuse(res, 409, "This transfer was already uploaded");
    t.usedUpload = true;
    t.upload = { req, res };
  } else if (req.method === "GET") {
    if (t.usedDownload) return refuse(res, 409, "This transfer was already downloaded");
    t.usedDownload = true;
    t.download = res;
  } else {
    res.writeHead(405, { allow: "GET, PUT" }).end();
    return true;
  }
  if (t.upload && t.download) pair(t);
  else t.waitTimer ??= setTimeout(() => closeTransfer(t.id), PAIR_TIMEOUT_MS);
  return true;
}

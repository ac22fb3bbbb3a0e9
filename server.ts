import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { boot } from "./lib/boot";
import { checkApiRoute } from "./lib/http/api-routes";
import { bodyLimitFor, bodyTooLarge, DISCARD_AFTER_413 } from "./lib/http/body-limit";
import { clientAddress, servedOverHttps } from "./lib/http/client-ip";
import { baseSecurityHeaders } from "./lib/http/security-headers";
import { closeDb } from "./lib/db";
import { databaseUrl, publicUrl, settings } from "./lib/env";
import { markSilentHostsUnreachable } from "./lib/hosts/heartbeat";
import { connectedHostIds } from "./lib/realtime/agents";
import { attachRealtime } from "./lib/realtime/io";
import { redacted } from "./lib/realtime/cluster-adapter";
import { handleTransferRequest } from "./lib/volumes/transfer-relay";
import { startReconcileLoop } from "./lib/reconciler/loop";
import { startAutoscaler } from "./lib/autoscale/loop";
import { reconcileCatalog } from "./lib/registry/catalog";
import { startEmbeddedRegistry } from "./lib/registry/embedded";
import { publishInfraImage } from "./lib/registry/infra";
import { isLeader, replicaId, startElection } from "./lib/cluster/leader";
import { startAlertEngine } from "./lib/alerts/engine";

const log = (m: string) => console.log(`[berth] ${m}`);

/**
 * A declared body over the cap is answered 413 before one byte of it is read (Next would buffer
 * it). Chunked bodies are counted by the route helpers as they arrive.
 */
function refuseLargeBody(req: IncomingMessage, res: ServerResponse): boolean {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!req.url?.startsWith("/api/") || !(declared > 0)) return false;
  const max = bodyLimitFor(new URL(req.url, "http://berth.invalid").pathname);
  if (max === null || declared <= max) return false;
  const body = JSON.stringify({ error: bodyTooLarge(max).toJSON() });
  res.writeHead(413, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  // What still arrives is dropped, then the connection is cut (DISCARD_AFTER_413 says why).
  let discarded = 0;
  const cut = setTimeout(() => req.socket.destroy(), DISCARD_AFTER_413.ms);
  cut.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_AFTER_413.capMultiple * max) req.socket.destroy();
  });
  req.on("end", () => clearTimeout(cut));
  res.end(body);
  return true;
}

/** Unknown /api paths and wrong methods get the API's JSON error body, not Next's HTML page. */
function refuseUnknownApiRoute(req: IncomingMessage, res: ServerResponse): boolean {
  const check = checkApiRoute(req.method ?? "GET", new URL(req.url ?? "/", "http://berth.invalid").pathname);
  if (check.ok) return false;
  const error =
    check.status === 404
      ? { code: "NOT_FOUND", message: "No such API path; see /api/v1/openapi.json" }
      : { code: "METHOD_NOT_ALLOWED", message: `This path answers ${check.allow.join(", ")}`, details: { allow: check.allow } };
  const body = JSON.stringify({ error });
  res.writeHead(check.status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    ...(check.status === 405 ? { Allow: check.allow.join(", ") } : {}),
  });
  // The request's body, if any, is not wanted: discard it rather than leave it unread.
  req.resume();
  res.end(body);
  return true;
}

async function main(): Promise<void> {
  const s = settings();
  const booted = await boot(log);
  const registry = s.BERTH_REGISTRY_URL ? null : await startEmbeddedRegistry(log);
  const dev = process.env.NODE_ENV !== "production";
  const app = next({ dev, dir: process.cwd(), hostname: "localhost", port: s.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  const httpServer = createServer((req, res) => {
    // The only client address route handlers trust: a client-sent header is overwritten.
    req.headers["x-berth-client-ip"] = clientAddress(req.headers["x-forwarded-for"], req.socket.remoteAddress, s.BERTH_TRUST_PROXY);
    for (const [name, value] of Object.entries(baseSecurityHeaders(servedOverHttps(req, s.BERTH_TRUST_PROXY)))) res.setHeader(name, value);
    // Volume images between hosts: streamed through before Next and the body cap (lib/volumes/transfer-relay.ts).
    if (handleTransferRequest(req, res)) return;
    if (refuseUnknownApiRoute(req, res)) return;
    if (refuseLargeBody(req, res)) return;
    handle(req, res).catch((err: unknown) => {
      console.error("request failed", err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const realtime = attachRealtime(httpServer);
  if (realtime.cluster && s.BERTH_REDIS_URL) {
    const where = redacted(s.BERTH_REDIS_URL);
    realtime.cluster.ready().then(
      () => log(`replicas share Redis at ${where}`),
      (err: unknown) => console.error(`[berth] Redis at ${where} does not answer yet (${(err as Error).message}); agents held by other replicas are out of reach until it does`),
    );
  }
  const election = startElection(databaseUrl() ?? "", { onChange: (leading) => log(`replica ${replicaId()} ${leading ? "leads" : "follows"}`) });
  const sweeper = setInterval(() => {
    if (!isLeader()) return;
    connectedHostIds()
      .then((connected) => markSilentHostsUnreachable(s.BERTH_HOST_GRACE_SECONDS, connected))
      .catch((err: unknown) => console.error("host sweep failed", err));
  }, Math.min(5000, s.BERTH_HOST_GRACE_SECONDS * 500));

  const reconciler = startReconcileLoop(s.BERTH_RECONCILE_SECONDS * 1000);
  // Leader only, like the reconciler; it watches the autoscaled apps' sets as a browser would.
  const autoscaler = startAutoscaler({
    intervalMs: s.BERTH_AUTOSCALE_SECONDS * 1000,
    windowMs: s.BERTH_AUTOSCALE_WINDOW_SECONDS * 1000,
    watch: (sets) => realtime.metrics.holdWatches(sets),
  });
  const alerts = startAlertEngine();

  if (registry || s.BERTH_REGISTRY_URL) {
    // Before agents connect: their hello names the infra image to pull. Without it they build their own.
    await publishInfraImage().then(
      (ref) => log(`infra image ${ref}`),
      (err: unknown) => console.error("[berth] infra image not published; hosts build their own from BusyBox", err),
    );
  }
  await new Promise<void>((resolve) => httpServer.listen(s.PORT, s.BERTH_BIND, resolve));
  if (registry || s.BERTH_REGISTRY_URL) {
    // Pushes made while the console was down sent notifications nobody received.
    reconcileCatalog().then(
      (r) => (r.tags || r.removed) && log(`image catalog: ${r.tags} tag(s) added, ${r.removed} removed from the registry's listing`),
      (err: unknown) => console.error("[berth] image catalog not reconciled", err),
    );
  }
  log(`console ready on ${publicUrl().origin} (bound ${s.BERTH_BIND}:${s.PORT}, ${dev ? "dev" : "production"})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    clearInterval(sweeper);
    reconciler.close();
    autoscaler.close();
    alerts.close();
    await election.close();
    realtime.io.close();
    await realtime.cluster?.close();
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await realtime.metrics.close();
    await registry?.stop();
    await closeDb();
    await booted.embedded?.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: unknown) => {
  console.error("[berth] failed to start:", err);
  process.exit(1);
});

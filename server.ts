import { createServer } from "node:http";
import next from "next";
import { boot } from "./lib/boot";
import { closeDb } from "./lib/db";
import { publicUrl, settings } from "./lib/env";
import { attachRealtime, markSilentHostsUnreachable } from "./lib/realtime/io";
import { startReconcileLoop } from "./lib/reconciler/loop";
import { reconcileCatalog } from "./lib/registry/catalog";
import { startEmbeddedRegistry } from "./lib/registry/embedded";
import { publishInfraImage } from "./lib/registry/infra";

const log = (m: string) => console.log(`[berth] ${m}`);

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
    const forwarded = s.BERTH_TRUST_PROXY ? String(req.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim() : "";
    req.headers["x-berth-client-ip"] = forwarded || req.socket.remoteAddress || "";
    handle(req, res).catch((err: unknown) => {
      console.error("request failed", err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const realtime = attachRealtime(httpServer);
  const sweeper = setInterval(() => {
    markSilentHostsUnreachable(s.BERTH_HOST_GRACE_SECONDS).catch((err: unknown) => console.error("host sweep failed", err));
  }, Math.min(5000, s.BERTH_HOST_GRACE_SECONDS * 500));

  const reconciler = startReconcileLoop(s.BERTH_RECONCILE_SECONDS * 1000);

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
    realtime.io.close();
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

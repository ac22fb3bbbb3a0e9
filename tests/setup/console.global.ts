import type { TestProject } from "vitest/node";
import { startConsole } from "../helpers/console";
import { publishTestImages } from "../helpers/registry";
import "../helpers/context";

/**
 * One console per project run (integration, e2e): started before the first file, stopped after
 * the last. Tests reach it through `inject("console")` and isolate themselves with unique team
 * slugs and emails.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // Browser tests look at a lost host's sets before they move: give them a wider window than the
  // integration tests, which test the move itself.
  const c = await startConsole(project.name === "e2e" ? { env: { BERTH_RESCHEDULE_SECONDS: "60" } } : {});
  try {
    await publishTestImages(c);
  } catch (err) {
    await c.stop();
    throw err;
  }
  console.log(`[${project.name}] console ${c.url} (${c.mode}, pid ${c.pid}) ready with test images in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide("console", {
    url: c.url,
    port: c.port,
    adminEmail: c.adminEmail,
    adminPassword: c.adminPassword,
    databaseUrl: c.databaseUrl,
    dataDir: c.dataDir,
    pgPort: c.pgPort,
    registry: c.registry,
    pid: c.pid,
    mode: c.mode,
  });
  return async () => {
    await c.stop();
  };
}

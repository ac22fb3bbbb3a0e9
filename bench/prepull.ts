/**
 * bench/prepull: time from `PATCH replicas` 1 → 10 to all ten sets Running, when the nine new
 * sets land on a host that does not have the app's image (~BENCH_IMAGE_MB MB of random bytes in
 * 4 layers, pulled from Berth's registry), with the console's pre-pull on (BERTH_PREPULL=1: the
 * placed sets' host is told to pull at once, before the applies) and off (BERTH_PREPULL=0: the
 * first apply starts the pull). BENCH_RUNS rounds per mode (default 3).
 *
 * The setting is read from the console's environment, so each mode has its own console. With a
 * production build both run at once and the rounds alternate; a dev console holds Next's
 * per-directory lock, so then the two run one after the other (on first).
 *
 * Each round: host A (a second dockerd with its own agent, which pulled the image for the app's
 * first set) runs the app at replicas 1; host B is a fresh dockerd with a fresh agent, so it has
 * never seen the image; A is cordoned, so the nine new sets all land on B. Each console first
 * does one uncounted warm-up round. Progress goes to stderr; the last line on stdout is one JSON
 * object.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pack } from "tar-stream";
import { DockerEngine } from "../agent/docker/engine";
import { findStaticBusybox } from "../lib/images/busybox";
import type { THost } from "../lib/protocol/api";
import type { TAppView } from "../lib/protocol/apps";
import { waitFor, type TestAgent } from "../tests/helpers/agent";
import { adminApi, type Api } from "../tests/helpers/api";
import { consoleMode, REPO_ROOT, startConsole, type TConsole, type TConsoleMode } from "../tests/helpers/console";
import { agentOnSecondEngine, type SecondEngine } from "../tests/helpers/engine2";
import { makeMember, makeTeam, type TTestUser } from "../tests/helpers/fixtures";
import { DockerCli } from "../tests/helpers/registry";
import { waitForDevLock } from "./dev-lock";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IMAGE_MB = Number(process.env.BENCH_IMAGE_MB ?? 100);
const LAYERS = 4;
const REPLICAS = 10;
const APP = "big";
const RUN_ID = randomBytes(3).toString("hex");
const LOCAL_REPO = "berth-bench/prepull";
const LOCAL_IMAGE = `${LOCAL_REPO}:${RUN_ID}`;
const LABEL = "berth.bench=prepull";
/** How long a scale-out may take before the round counts as failed (a loaded CI box is slow, not this slow). */
const ROUND_TIMEOUT_MS = 300_000;
const POLL_MS = 100;

const log = (m: string) => process.stderr.write(`[bench:prepull] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Median; with an even count, the mean of the two middle values. */
function p50(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}


/**
 * Undo steps for everything the bench made, run newest first; each failure is logged and the
 * rest still run, so one stuck engine does not leave the others behind.
 */
class Cleanup {
  private readonly steps: Array<{ what: string; fn: () => Promise<void> }> = [];

  /** Registers a step; calling the returned function runs it now (once) and forgets it. */
  add(what: string, fn: () => Promise<void>): () => Promise<void> {
    const step = { what, fn };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await fn();
    };
  }

  async runAll(): Promise<void> {
    while (this.steps.length) {
      const step = this.steps.pop()!;
      try {
        await step.fn();
      } catch (err) {
        log(`cleanup: ${step.what} failed: ${(err as Error).message}`);
      }
    }
  }
}

const cleanup = new Cleanup();

async function follow(engine: DockerEngine, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  const output = await new Promise<unknown[]>((resolve, reject) =>
    engine.docker.modem.followProgress(stream, (err: Error | null, out: unknown[]) => (err ? reject(err) : resolve(out))),
  );
  // A failed build step arrives as an `error` entry of a stream that otherwise ends normally.
  const failed = output.find((o): o is { error: string } => typeof o === "object" && o !== null && typeof (o as { error?: unknown }).error === "string");
  if (failed) throw new Error(`${what}: ${failed.error}`);
}

/**
 * BusyBox (for `sleep`) and LAYERS layers of random bytes: the import is the first layer, each
 * COPY of the build one more, so the pull fetches and extracts several blobs as real images do.
 */
async function buildImage(engine: DockerEngine): Promise<number> {
  const layerBytes = Math.round((IMAGE_MB * 1024 * 1024) / LAYERS);
  const baseTag = `${LOCAL_REPO}-base:${RUN_ID}`;
  cleanup.add(`remove ${LOCAL_IMAGE}`, async () => {
    for (const ref of [LOCAL_IMAGE, baseTag]) {
      if (await engine.hasImage(ref)) await engine.docker.getImage(ref).remove({ force: true });
    }
  });

  const base = pack();
  const busybox = fs.readFileSync(findStaticBusybox());
  base.entry({ name: "bin", type: "directory", mode: 0o755 });
  base.entry({ name: "bin/busybox", mode: 0o755, size: busybox.length }, busybox);
  for (const applet of ["sh", "sleep"]) base.entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
  base.entry({ name: "layer-0.bin", mode: 0o644, size: layerBytes }, randomBytes(layerBytes));
  base.finalize();
  const [repo, tag] = baseTag.split(":");
  await follow(engine, await engine.docker.importImage(base as unknown as NodeJS.ReadableStream, { repo, tag, changes: [`LABEL ${LABEL}`] } as object), "docker import");

  const ctx = pack();
  const lines = [`FROM ${baseTag}`];
  for (let i = 1; i < LAYERS; i++) {
    ctx.entry({ name: `layer-${i}.bin`, mode: 0o644, size: layerBytes }, randomBytes(layerBytes));
    lines.push(`COPY layer-${i}.bin /layer-${i}.bin`);
  }
  const dockerfile = Buffer.from(`${lines.join("\n")}\n`);
  ctx.entry({ name: "Dockerfile", mode: 0o644, size: dockerfile.length }, dockerfile);
  ctx.finalize();
  await follow(engine, await engine.docker.buildImage(ctx as unknown as NodeJS.ReadableStream, { t: LOCAL_IMAGE, rm: true, forcerm: true }), "docker build");
  // Only the tag goes; the built image keeps its parent layers.
  await engine.docker.getImage(baseTag).remove();
  const info = await engine.docker.getImage(LOCAL_IMAGE).inspect();
  return info.Size;
}

/**
 * Which console to start. A production build made before pre-pull existed would measure the old
 * code, so without BERTH_TEST_MODE it is used only when its server bundle knows BERTH_PREPULL.
 */
function benchMode(): TConsoleMode {
  if (process.env.BERTH_TEST_MODE) return consoleMode();
  const server = path.join(REPO_ROOT, ".next", "server");
  if (!fs.existsSync(path.join(REPO_ROOT, ".next", "BUILD_ID"))) return "dev";
  const knows = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return knows(p);
      return e.name.endsWith(".js") && fs.readFileSync(p, "utf8").includes("BERTH_PREPULL");
    });
  if (knows(server)) return "prod";
  log("the production build predates BERTH_PREPULL; using dev consoles");
  return "dev";
}


async function startConsoleFor(mode: TConsoleMode, prepull: "0" | "1"): Promise<TConsole> {
  for (let attempt = 1; ; attempt++) {
    if (mode === "dev") await waitForDevLock(log);
    try {
      return await startConsole({ mode, env: { BERTH_PREPULL: prepull } });
    } catch (err) {
      // Another `next dev` of this tree can take the lock between our check and our console's start.
      if (mode !== "dev" || attempt >= 5 || !/Another next dev server|holds .*lock/.test((err as Error).message)) throw err;
      log("another next dev took .next/dev/lock first; trying again");
    }
  }
}

function must(res: { status: number; text: string }, want: number, what: string): void {
  if (res.status !== want) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 400)}`);
}

/** One mode's console, team, pusher and host A. */
interface TSide {
  prepull: "0" | "1";
  c: TConsole;
  admin: Api;
  member: TTestUser;
  team: string;
  hostA: string;
  /** Tears the side down now (its steps are also in the global cleanup until then). */
  close: () => Promise<void>;
}

interface TRound {
  /** PATCH sent → all ten sets Running. */
  ms: number;
  /** PATCH sent → its answer (placement, and with pre-pull on, the pull request, are inside it). */
  patchMs: number;
  /** PATCH sent → a waiting set first showed "Pulling …" (as seen by the 100 ms poll). */
  pullingSeenMs: number | null;
  /** PATCH sent → Docker on host B finished pulling the image (its own event time). */
  pulledMs: number | null;
  /** Pulls of the image on host B in the round (one means applies and pre-pull shared it). */
  pulls: number;
}

async function hostOf(admin: Api, id: string): Promise<THost | undefined> {
  const res = await admin.get("/api/v1/hosts");
  must(res, 200, "list hosts");
  return (res.body as THost[]).find((h) => h.id === id);
}

/** After hello the agent pulls the infra image by digest from the registry: not inside the measured window. */
async function waitRegistryChecked(admin: Api, id: string): Promise<void> {
  await waitFor(`host ${id} registry pull checked`, async () => (await hostOf(admin, id))?.registryPull ?? null, 60_000, 300);
}

async function setupSide(mode: TConsoleMode, prepull: "0" | "1", imageBytes: number): Promise<TSide> {
  const t0 = Date.now();
  const c = await startConsoleFor(mode, prepull);
  const closers: Array<() => Promise<void>> = [];
  closers.push(cleanup.add(`stop console ${c.url}`, () => c.stop()));
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn();
  };
  try {
    log(`BERTH_PREPULL=${prepull}: console ${c.url} (${c.mode}) up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const admin = await adminApi(c);
    // Room for ten sets of the app plus the ones of a round still being deleted.
    const team = await makeTeam(admin, { quota: { cpu: 8, memoryMiB: 8192, diskGiB: 8, sets: 2 * REPLICAS + 2 } });
    const member = await makeMember(admin, team, "MEMBER");
    const cli = new DockerCli();
    closers.push(cleanup.add("docker CLI config", async () => cli.destroy()));
    const login = await cli.login(c.registry, member.email, member.token);
    if (login.code !== 0) throw new Error(`docker login ${c.registry} as ${member.email}: ${login.stderr}`);
    const pushed = `${c.registry}/${team}/big:1`;
    closers.push(
      cleanup.add(`untag ${pushed}`, async () => {
        const r = await cli.run(["rmi", pushed]);
        if (r.code !== 0) log(`untag ${pushed}: ${r.stderr.trim()}`);
      }),
    );
    const tp = Date.now();
    await cli.push(LOCAL_IMAGE, pushed);
    log(`pushed ${(imageBytes / 1e6).toFixed(0)} MB as ${team}/big:1 in ${((Date.now() - tp) / 1000).toFixed(1)} s`);

    const a = await agentOnSecondEngine(admin, c.url, "prepull-a");
    closers.push(cleanup.add("engine A", () => a.engine2.destroy()));
    closers.push(cleanup.add("agent A", () => a.agent.destroy(a.engine2.engine(), admin)));
    const hostA = a.agent.hostId();
    if (!hostA) throw new Error("agent A has no host id");
    await waitRegistryChecked(admin, hostA);
    return { prepull, c, admin, member, team, hostA, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function appView(side: TSide): Promise<TAppView> {
  const res = await side.member.api.get(`/api/v1/teams/${side.team}/apps/${APP}`);
  must(res, 200, `get app ${APP}`);
  return res.body as TAppView;
}

/** Docker's own record of pulls of the app's image on an engine since `sinceMs`. */
async function pullEvents(engine: DockerEngine, team: string, sinceMs: number): Promise<number[]> {
  const raw = await engine.docker.getEvents({ since: Math.floor(sinceMs / 1000), until: Math.ceil(Date.now() / 1000) + 1, filters: { type: ["image"], event: ["pull"] } });
  // With `until` Docker ends the stream after the events so far.
  const chunks: Buffer[] = [];
  for await (const chunk of raw as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id?: string; timeNano?: number })
    .filter((e) => typeof e.id === "string" && e.id.includes(`/${team}/big@`) && typeof e.timeNano === "number")
    .map((e) => Number(e.timeNano) / 1e6);
}

async function round(side: TSide, label: string): Promise<TRound> {
  const { admin, member, team } = side;
  const appPath = `/api/v1/teams/${team}/apps/${APP}`;
  must(await admin.post(`/api/v1/hosts/${side.hostA}/uncordon`), 200, "uncordon host A");
  const body = {
    name: APP,
    replicas: 1,
    size: { cpu: 0.1, memoryMiB: 32, diskGiB: 0 },
    containers: [{ index: 0, name: "app", image: `${team}/big:1`, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
  };
  must(await member.api.post(`/api/v1/teams/${team}/apps`, body), 201, "create app");
  const deleteApp = cleanup.add(`delete app ${team}/${APP}`, async () => {
    const res = await member.api.delete(appPath);
    if (res.status !== 200 && res.status !== 404) throw new Error(`delete app: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  });
  try {
    await waitFor("the first set Running on host A", async () => {
      const v = await appView(side);
      return v.sets.length === 1 && v.sets[0].state === "Running" && v.sets[0].host?.id === side.hostA;
    }, 180_000, 250);

    // A fresh engine per round: nothing of the image on it, and an agent that has never pulled it.
    const b = await agentOnSecondEngine(admin, side.c.url, `prepull-b${label}-${side.prepull}`);
    const destroyEngineB = cleanup.add("engine B", () => b.engine2.destroy());
    const destroyAgentB = cleanup.add("agent B", () => b.agent.destroy(b.engine2.engine(), admin));
    try {
      const hostB = b.agent.hostId();
      if (!hostB) throw new Error("agent B has no host id");
      await waitRegistryChecked(admin, hostB);
      const there = (await b.engine2.engine().docker.listImages()).filter((img) => [...(img.RepoTags ?? []), ...(img.RepoDigests ?? [])].some((r) => r.includes(`/${team}/big`)));
      if (there.length) throw new Error(`host B already has the image: ${JSON.stringify(there.map((x) => x.Id))}`);
      must(await admin.post(`/api/v1/hosts/${side.hostA}/cordon`), 200, "cordon host A");

      const wall0 = Date.now();
      const t0 = performance.now();
      const res = await member.api.patch(appPath, { replicas: REPLICAS });
      const patchMs = performance.now() - t0;
      must(res, 200, `PATCH replicas ${REPLICAS}`);
      let pullingSeenMs: number | null = null;
      let ms = 0;
      let last: TAppView | null = null;
      for (;;) {
        const v = await appView(side);
        const now = performance.now() - t0;
        last = v;
        if (pullingSeenMs === null && v.sets.some((s) => s.reason?.startsWith("Pulling "))) pullingSeenMs = now;
        if (v.sets.length === REPLICAS && v.sets.every((s) => s.state === "Running")) {
          ms = now;
          break;
        }
        const failed = v.sets.find((s) => s.state === "Failed");
        if (failed) throw new Error(`set ${failed.name} Failed: ${failed.reason}`);
        if (now > ROUND_TIMEOUT_MS) throw new Error(`not all Running after ${ROUND_TIMEOUT_MS} ms: ${v.sets.map((s) => `${s.name} ${s.state} ${s.reason ?? ""}`).join("; ")}`);
        await sleep(POLL_MS);
      }
      const onB = last.sets.filter((s) => s.host?.id === hostB).length;
      if (onB !== REPLICAS - 1) throw new Error(`${onB} sets landed on host B, not ${REPLICAS - 1}`);
      const pulls = await pullEvents(b.engine2.engine(), team, wall0);
      const pulledMs = pulls.length ? Math.min(...pulls) - wall0 : null;

      await deleteApp();
      return { ms, patchMs, pullingSeenMs, pulledMs, pulls: pulls.length };
    } finally {
      await destroyAgentB();
      await destroyEngineB();
    }
  } finally {
    await deleteApp();
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a positive integer, not ${process.env.BENCH_RUNS}`);
  if (!(IMAGE_MB > 0)) throw new Error(`BENCH_IMAGE_MB must be a positive number, not ${process.env.BENCH_IMAGE_MB}`);
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: cleaning up`);
    cleanup.runAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const local = new DockerEngine();
    const tb = Date.now();
    const imageBytes = await buildImage(local);
    log(`built ${LOCAL_IMAGE}: ${(imageBytes / 1e6).toFixed(0)} MB in ${LAYERS} layers, ${((Date.now() - tb) / 1000).toFixed(1)} s`);

    const mode = benchMode();
    // Both consoles at once only when neither holds Next's dev lock.
    const phases: Array<Array<"1" | "0">> = mode === "prod" ? [["1", "0"]] : [["1"], ["0"]];
    const results: Record<"1" | "0", TRound[]> = { "1": [], "0": [] };
    for (const phase of phases) {
      const sides: TSide[] = [];
      for (const prepull of phase) sides.push(await setupSide(mode, prepull, imageBytes));
      // A console's first scale-out loads code paths and warms its database: not what is compared.
      for (const side of sides) {
        const r = await round(side, "w");
        log(`prepull=${side.prepull} warm-up (not counted): all Running ${Math.round(r.ms)} ms`);
      }
      for (let i = 0; i < RUNS; i++) {
        // Alternate which mode goes first, so a drift in machine load does not favour one.
        const order = i % 2 === 0 ? sides : [...sides].reverse();
        for (const side of order) {
          const r = await round(side, String(i));
          results[side.prepull].push(r);
          const opt = (v: number | null) => (v === null ? "?" : String(Math.round(v)));
          log(
            `prepull=${side.prepull} round ${i + 1}/${RUNS}: all Running ${Math.round(r.ms)} ms ` +
              `(PATCH answered ${Math.round(r.patchMs)}, "Pulling" seen ${opt(r.pullingSeenMs)}, image pulled ${opt(r.pulledMs)}, pulls ${r.pulls})`,
          );
        }
      }
      for (const side of sides.reverse()) await side.close();
    }

    const round0 = (v: number) => Math.round(v);
    const on = results["1"];
    const off = results["0"];
    const after = (rs: TRound[]) => rs.filter((r) => r.pulledMs !== null).map((r) => round0(r.ms - (r.pulledMs ?? 0)));
    console.log(
      JSON.stringify({
        bench: "prepull",
        n: RUNS,
        mode,
        order: phases.length === 1 ? "alternating" : "sequential (on, then off)",
        image_mb: Math.round(imageBytes / 1e5) / 10,
        layers: LAYERS,
        sets: REPLICAS - 1,
        p50_ms: round0(p50(on.map((r) => r.ms))),
        peer_p50_ms: round0(p50(off.map((r) => r.ms))),
        p50_ratio: Math.round((p50(on.map((r) => r.ms)) / p50(off.map((r) => r.ms))) * 100) / 100,
        on_ms: on.map((r) => round0(r.ms)),
        off_ms: off.map((r) => round0(r.ms)),
        on_pulled_ms: on.map((r) => (r.pulledMs === null ? null : round0(r.pulledMs))),
        off_pulled_ms: off.map((r) => (r.pulledMs === null ? null : round0(r.pulledMs))),
        on_after_pull_ms: after(on),
        off_after_pull_ms: after(off),
        on_patch_ms: on.map((r) => round0(r.patchMs)),
        off_patch_ms: off.map((r) => round0(r.patchMs)),
        pulls_per_round: [...on, ...off].map((r) => r.pulls),
      }),
    );
  } finally {
    await cleanup.runAll();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

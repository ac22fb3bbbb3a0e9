/**
 * bench/registry: `docker push` then `docker pull` of a ~50 MB image of 5 layers of random bytes
 * through Berth's registry (the console's embedded Distribution, token auth with the console as
 * token server, logged in as the admin) against the same `docker-registry` binary with no auth,
 * alternating which goes first, BENCH_RUNS rounds (default 10) after one uncounted warm-up.
 * Every round pushes layers neither registry has seen and pulls with nothing of the image left
 * on the engine, so both directions move every byte. Progress goes to stderr; the last line on
 * stdout is one JSON object.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { consoleMode, freePort, REPO_ROOT, startConsole, type TConsole, type TConsoleMode } from "../tests/helpers/console";
import { DockerCli } from "../tests/helpers/registry";
import { createToken } from "../tests/helpers/api";
import { waitForDevLock } from "./dev-lock";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const LAYERS = 5;
const LAYER_BYTES = Math.round(Number(process.env.BENCH_LAYER_MB ?? 10) * 1024 * 1024);
const REPO = "library/bench-registry";
const LOCAL_REPO = "berth-bench/registry";
const LABEL = "berth.bench=registry";
const RUN_ID = randomBytes(3).toString("hex");

const log = (m: string) => process.stderr.write(`[bench:registry] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TDockerResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The docker CLI with the bench's own DOCKER_CONFIG (the admin's login stays out of the user's
 * config). The legacy builder is asked for by name: this engine has no buildx, and without the
 * variable the CLI picks it only after a deprecation notice.
 */
function docker(args: string[], configDir: string): Promise<TDockerResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn("docker", args, {
      env: { ...process.env, DOCKER_CONFIG: configDir, DOCKER_BUILDKIT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    // A push or pull stuck on a dead registry must not hang the bench (and its cleanup) forever.
    const timer = setTimeout(() => child.kill("SIGKILL"), 600_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

async function mustDocker(args: string[], configDir: string): Promise<TDockerResult> {
  const r = await docker(args, configDir);
  if (r.code !== 0) throw new Error(`docker ${args.join(" ")} failed (${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} failed (${code}): ${stderr.trim()}`))));
  });
}

/** Median; with an even count, the mean of the two middle values. */
function p50(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}


/**
 * Which console to measure. A production build made before the registry routes existed would
 * answer every token request with 404, so without BERTH_TEST_MODE it is used only when it has
 * the token route.
 */
function benchMode(): TConsoleMode {
  if (process.env.BERTH_TEST_MODE) return consoleMode();
  const built = fs.existsSync(path.join(REPO_ROOT, ".next", "server", "app", "api", "v1", "registry", "token", "route.js"));
  if (!built && fs.existsSync(path.join(REPO_ROOT, ".next", "BUILD_ID"))) log("the production build has no registry token route (built before it); using a dev console");
  return built ? "prod" : "dev";
}


interface TPeer {
  host: string;
  stop(): Promise<void>;
}

/** Plain Distribution: Berth's storage settings, no auth, no notifications. */
async function startPeer(dir: string): Promise<TPeer> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = {
    version: 0.1,
    log: { level: "warn", formatter: "text", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: path.join(dir, "data") },
      delete: { enabled: true },
      cache: { blobdescriptor: "inmemory" },
      maintenance: { uploadpurging: { enabled: true, age: "168h", interval: "24h", dryrun: false } },
    },
    http: { addr: host, headers: { "X-Content-Type-Options": ["nosniff"] } },
  };
  const configFile = path.join(dir, "config.yml");
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = path.join(dir, "registry.log");
  const out = fs.openSync(logFile, "a");
  const child: ChildProcess = spawn("docker-registry", ["serve", configFile], { stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const killNow = () => child.kill("SIGKILL");
  process.on("exit", killNow);
  const stop = async () => {
    process.off("exit", killNow);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-8).join("\n");
      throw new Error(`docker-registry exited (${child.exitCode}): ${tail}`);
    }
    try {
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch (err) {
      if (!(err instanceof Error)) throw err;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${host} within 15 s`);
    }
    await sleep(150);
  }
  return { host, stop };
}

/**
 * A fresh image of LAYERS layers of random (incompressible) bytes: an imported tarball is the
 * first layer, each COPY of the Dockerfile one more. Returns its local tag.
 */
async function buildImage(work: string, name: string, configDir: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  try {
    const base = path.join(dir, "base");
    const ctx = path.join(dir, "ctx");
    fs.mkdirSync(base);
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(base, "layer-0.bin"), randomBytes(LAYER_BYTES));
    await run("tar", ["-C", base, "-cf", path.join(dir, "base.tar"), "layer-0.bin"]);
    const baseTag = `${LOCAL_REPO}-base:${RUN_ID}-${name}`;
    await mustDocker(["import", "--change", `LABEL ${LABEL}`, path.join(dir, "base.tar"), baseTag], configDir);
    const lines = [`FROM ${baseTag}`];
    for (let i = 1; i < LAYERS; i++) {
      fs.writeFileSync(path.join(ctx, `layer-${i}.bin`), randomBytes(LAYER_BYTES));
      lines.push(`COPY layer-${i}.bin /layer-${i}.bin`);
    }
    fs.writeFileSync(path.join(ctx, "Dockerfile"), `${lines.join("\n")}\n`);
    const tag = `${LOCAL_REPO}:${RUN_ID}-${name}`;
    await mustDocker(["build", "-q", "-t", tag, ctx], configDir);
    // The base tag would keep the first layer on the engine: pulls would then skip it.
    await mustDocker(["rmi", baseTag], configDir);
    return tag;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Layers a `docker push` uploaded ("Pushed") and found already there. */
function pushCounts(out: string): { pushed: number; existed: number } {
  return { pushed: (out.match(/: Pushed$/gm) ?? []).length, existed: (out.match(/: Layer already exists$/gm) ?? []).length };
}

/** Token requests in the dev console's request log (`GET /api/v1/registry/token… 200 in …`). */
const tokenLines = (lines: string[]) => lines.filter((l) => l.includes("/api/v1/registry/token")).length;

/** Lines of `after` not in `before`, when both are windows of one rolling log tail. */
function newLines(before: string[], after: string[]): string[] {
  for (let overlap = Math.min(before.length, after.length); overlap > 0; overlap--) {
    let same = true;
    for (let i = 0; i < overlap && same; i++) same = before[before.length - overlap + i] === after[i];
    if (same) return after.slice(overlap);
  }
  return after;
}

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a positive integer, not ${process.env.BENCH_RUNS}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bench-registry-"));
  const cli = new DockerCli();
  const cfg = cli.configDir;
  let c: TConsole | null = null;
  let peer: TPeer | null = null;

  let cleaning: Promise<void> | null = null;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      // Everything the bench built or pulled carries its label: catches tags a failure left behind.
      const ids = (await docker(["images", "-q", "--filter", `label=${LABEL}`], cfg)).stdout.split(/\s+/).filter(Boolean);
      if (ids.length) {
        const r = await docker(["rmi", "-f", ...new Set(ids)], cfg);
        if (r.code !== 0) log(`removing images: ${r.stderr.trim()}`);
      }
      await peer?.stop();
      await c?.stop();
      cli.destroy();
      fs.rmSync(work, { recursive: true, force: true });
    })());
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    fs.mkdirSync(path.join(work, "peer"));
    peer = await startPeer(path.join(work, "peer"));
    log(`peer docker-registry on ${peer.host}`);

    const mode = benchMode();
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      if (mode === "dev") await waitForDevLock(log);
      try {
        c = await startConsole({ mode });
        break;
      } catch (err) {
        // Another test's `next dev` can take the lock between our check and our console's start.
        if (mode !== "dev" || attempt >= 5 || !/Another next dev server|holds .*lock/.test((err as Error).message)) throw err;
        log(`another next dev took ${path.join(".next", "dev", "lock")} first; trying again`);
      }
    }
    const con: TConsole = c;
    log(`console ${con.url} (${con.mode}), its registry on ${con.registry}, up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // As the README tells users to log in: email and an API token (a password would cost an argon2 check per token request).
    const apiToken = (await createToken(con.url, con.adminEmail, con.adminPassword, { name: "bench-registry" })).token;
    const login = await cli.login(con.registry, con.adminEmail, apiToken);
    if (login.code !== 0) throw new Error(`docker login ${con.registry} as the admin failed: ${login.stderr}\n${con.logs()}`);

    const sides = { berth: con.registry, peer: peer.host } as const;
    type TSide = keyof typeof sides;
    const times = { push: { berth: [] as number[], peer: [] as number[] }, pull: { berth: [] as number[], peer: [] as number[] } };
    let imageBytes = 0;

    /** One round: build, push to both, remove every local trace, pull from each in turn. */
    const round = async (name: string, first: TSide, onTime?: (op: "push" | "pull", side: TSide, ms: number) => void) => {
      const local = await buildImage(work, name, cfg);
      const inspect = JSON.parse((await mustDocker(["image", "inspect", local], cfg)).stdout) as Array<{ Id: string; Size: number }>;
      const { Id: imageId, Size: size } = inspect[0];
      imageBytes = size;
      const order: TSide[] = first === "berth" ? ["berth", "peer"] : ["peer", "berth"];
      const refs = { berth: `${sides.berth}/${REPO}:${RUN_ID}-${name}`, peer: `${sides.peer}/${REPO}:${RUN_ID}-${name}` };
      for (const side of order) await mustDocker(["tag", local, refs[side]], cfg);
      for (const side of order) {
        const r = await mustDocker(["push", refs[side]], cfg);
        const n = pushCounts(r.stdout);
        // A layer the registry already had would make this a HEAD check, not an upload.
        if (n.pushed !== LAYERS || n.existed) throw new Error(`push to ${side} uploaded ${n.pushed} of ${LAYERS} layers (${n.existed} already there):\n${r.stdout}`);
        onTime?.("push", side, r.ms);
      }
      await mustDocker(["rmi", local, refs.berth, refs.peer], cfg);
      // Any tag left on the engine would keep the layers, and the pull would download nothing.
      if ((await docker(["image", "inspect", imageId], cfg)).code === 0) throw new Error(`image ${imageId} is still on the engine after removing its tags`);
      for (const side of order) {
        const r = await mustDocker(["pull", refs[side]], cfg);
        const done = (r.stdout.match(/: Pull complete$/gm) ?? []).length;
        if (done !== LAYERS) throw new Error(`pull from ${side} completed ${done} of ${LAYERS} layers:\n${r.stdout}`);
        onTime?.("pull", side, r.ms);
        await mustDocker(["rmi", refs[side]], cfg);
      }
    };

    // The dev console compiles the token and notification routes on their first request.
    log("warm-up round (not counted)");
    await round("warmup", "berth");
    await round("warmup2", "peer");

    for (let i = 0; i < RUNS; i++) {
      const first: TSide = i % 2 === 0 ? "berth" : "peer";
      const row: string[] = [];
      await round(`r${i}`, first, (op, side, ms) => {
        times[op][side].push(ms);
        row.push(`${op} ${side} ${Math.round(ms)}`);
      });
      log(`round ${i + 1}/${RUNS} (${first} first): ${row.join(", ")} ms`);
    }

    // Where Berth's extra time can go: how many token requests an operation makes, and what one costs.
    let snap = con.logs().split("\n");
    const probeTokens = { push: 0, pull: 0 };
    await round("probe", "berth", (op, side) => {
      const now = con.logs().split("\n");
      if (side === "berth") probeTokens[op] = tokenLines(newLines(snap, now));
      snap = now;
    });
    const basic = `Basic ${Buffer.from(`${con.adminEmail}:${apiToken}`).toString("base64")}`;
    const tokenMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const res = await fetch(`${con.url}/api/v1/registry/token?service=berth-registry&scope=repository:${REPO}:pull,push`, { headers: { authorization: basic } });
      await res.text();
      if (!res.ok) throw new Error(`token request: HTTP ${res.status}`);
      tokenMs.push(performance.now() - t0);
    }
    log(
      `token endpoint (admin API token, push scope): p50 ${Math.round(p50(tokenMs))} ms; ` +
        (con.mode === "dev" ? `a push made ${probeTokens.push} token request(s), a pull ${probeTokens.pull}` : "(request count only visible in a dev console's log)"),
    );

    // The machine's load drifts over a run; a ratio per round compares two runs seconds apart.
    const paired = (op: "push" | "pull") => p50(times[op].berth.map((ms, i) => ms / times[op].peer[i])).toFixed(2);
    log(`median of per-round ratios: push ${paired("push")}, pull ${paired("pull")}`);

    const r = (ms: number) => Math.round(ms);
    const ratio = (a: number[], b: number[]) => Math.round((p50(a) / p50(b)) * 100) / 100;
    console.log(
      JSON.stringify({
        bench: "registry",
        n: RUNS,
        image_mb: Math.round(imageBytes / 1e5) / 10,
        layers: LAYERS,
        push_p50_ms: r(p50(times.push.berth)),
        pull_p50_ms: r(p50(times.pull.berth)),
        peer_push_p50_ms: r(p50(times.push.peer)),
        peer_pull_p50_ms: r(p50(times.pull.peer)),
        push_ratio: ratio(times.push.berth, times.push.peer),
        pull_ratio: ratio(times.pull.berth, times.pull.peer),
      }),
    );
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

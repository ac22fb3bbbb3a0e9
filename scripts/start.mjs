// `npm start`: from a fresh clone to a running console. Installs what is missing, generates
// the Prisma client, builds Next when sources are newer than the last build, then runs the
// console (and, in single-machine mode, a supervised local agent).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const log = (m) => console.log(`[berth start] ${m}`);

function run(cmd, args, env = process.env) {
  log(`${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`[berth start] ${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(paths) {
  let newest = 0;
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (e !== "node_modules" && e !== "generated" && e !== "dist") walk(path.join(p, e));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}

const lockMtime = fs.existsSync("package-lock.json") ? fs.statSync("package-lock.json").mtimeMs : 0;
const installedMarker = "node_modules/.package-lock.json";
if (!fs.existsSync(installedMarker) || fs.statSync(installedMarker).mtimeMs < lockMtime) {
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}
if (!fs.existsSync("lib/generated/prisma/client.ts") || newestMtime(["prisma/schema.prisma"]) > newestMtime(["lib/generated/prisma"])) {
  run(process.execPath, ["scripts/prisma-generate.mjs"]);
}
const buildId = ".next/BUILD_ID";
const sources = ["app", "components", "lib", "public", "next.config.js", "postcss.config.mjs", "package-lock.json"];
if (process.env.BERTH_SKIP_BUILD !== "1" && (!fs.existsSync(buildId) || newestMtime(sources) > fs.statSync(buildId).mtimeMs)) {
  run("npx", ["next", "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
}

// The one-file agent the console serves to new hosts (Hosts → Add host, install.sh).
const bundleInfo = "agent/dist/berth-agent.json";
if (!fs.existsSync(bundleInfo) || newestMtime(["agent", "lib/protocol", "lib/registry/policy.ts", "lib/registry/scopes.ts", "package-lock.json"]) > fs.statSync(bundleInfo).mtimeMs) {
  run(process.execPath, ["scripts/build-agent.mjs"]);
}

const env = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
const children = new Set();
let stopping = false;

const dataDir = path.resolve(process.env.BERTH_DATA_DIR ?? "./.berth");
const agentDir = path.join(dataDir, "agent");
const agentEnv = {
  ...env,
  BERTH_CONSOLE_URL: process.env.BERTH_CONSOLE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`,
  BERTH_AGENT_STATE_DIR: process.env.BERTH_AGENT_STATE_DIR ?? agentDir,
  BERTH_ENROLL_TOKEN_FILE: path.join(agentDir, "enroll-token"),
  BERTH_VOLUME_ROOT: process.env.BERTH_VOLUME_ROOT ?? path.join(dataDir, "volumes"),
  BERTH_ZONE: process.env.BERTH_ZONE ?? "local",
};

function spawnChild(name, args) {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { stdio: "inherit", env: name === "agent" ? agentEnv : env });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (stopping) return;
    log(`${name} exited (${code ?? signal})`);
    if (name === "console") shutdown(code ?? 1);
  });
  return child;
}

/** Like systemd's Restart=always with a small backoff: the agent is meant to be killable. */
function superviseAgent() {
  let restarts = 0;
  let startedAt = 0;
  const launch = () => {
    if (stopping) return;
    startedAt = Date.now();
    const child = spawnChild("agent", ["agent/main.ts"]);
    child.on("exit", () => {
      if (stopping) return;
      restarts = Date.now() - startedAt > 30_000 ? 0 : restarts + 1;
      const delay = Math.min(1000 * 2 ** restarts, 15_000);
      log(`restarting local agent in ${delay} ms`);
      setTimeout(launch, delay);
    });
  };
  launch();
}

function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  const deadline = setTimeout(() => {
    for (const c of children) c.kill("SIGKILL");
    process.exit(code);
  }, 10_000);
  const waitAll = setInterval(() => {
    if (children.size === 0) {
      clearInterval(waitAll);
      clearTimeout(deadline);
      process.exit(code);
    }
  }, 100);
}

process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

spawnChild("console", ["server.ts"]);
const localAgent = (process.env.BERTH_LOCAL_AGENT ?? "1") !== "0" && fs.existsSync("agent/main.ts");
if (localAgent) superviseAgent();

#!/usr/bin/env node
// `npm run build:agent`: the host agent and its dependencies bundled into one JavaScript file,
// agent/dist/berth-agent.cjs, that runs on plain Node >= 20 with no node_modules and no TypeScript
// loader. The version (package version + commit) is compiled in; the same commit gives the same
// bytes (no timestamps, stable module order), so the SHA-256 the console serves is reproducible.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = path.join(root, "agent", "dist");
const outFile = path.join(outDir, "berth-agent.cjs");

export function agentVersion() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  let commit = "dev";
  try {
    commit = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    if (dirty) commit += "-dirty";
  } catch (err) {
    console.warn(`[build:agent] no git commit for the version (${err.message.split("\n")[0]}); using "dev"`);
  }
  // A build of the same commit that must still read as another version (a hotfix, a test of upgrades).
  const tag = process.env.BERTH_AGENT_BUILD_TAG;
  if (tag && !/^[A-Za-z0-9-]+$/.test(tag)) throw new Error("BERTH_AGENT_BUILD_TAG takes letters, digits and dashes");
  return `${pkg.version}+${commit}${tag ? `.${tag}` : ""}`;
}

const version = agentVersion();
fs.mkdirSync(outDir, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: [path.join(root, "agent", "main.ts")],
  outfile: outFile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  legalComments: "none",
  external: ["*.node"],
  // docker-modem loads ssh2 for Docker over SSH, which the agent never uses (it talks to a unix
  // socket or tcp): a stub keeps ~20 MB of crypto code out of every agent's memory.
  alias: { ssh2: "./scripts/agent-ssh2-stub.cjs" },
  define: { BERTH_AGENT_BUILD: JSON.stringify(version) },
  banner: { js: `#!/usr/bin/env node\n// Berth agent ${version}` },
  logLevel: "warning",
});
const bytes = fs.readFileSync(outFile);
const sha256 = createHash("sha256").update(bytes).digest("hex");
fs.writeFileSync(path.join(outDir, "berth-agent.json"), `${JSON.stringify({ version, sha256, bytes: bytes.length }, null, 2)}\n`);
console.log(`[build:agent] ${path.relative(root, outFile)} ${version} ${(bytes.length / 1024 / 1024).toFixed(1)} MiB sha256 ${sha256}`);

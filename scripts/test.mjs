#!/usr/bin/env node
// `npm test [unit|integration|e2e …] [vitest args…]`
//
// 1. Generates the Prisma client when lib/generated/prisma is missing or older than the schema.
// 2. Runs `next build` (skip with BERTH_SKIP_BUILD=1) so integration and e2e run against a
//    production console, as users get it.
// 3. Runs vitest once per project, one after the other (each project starts its own console;
//    two `next dev` servers cannot share a directory), with the console reporter plus a JSON
//    report in test-results/.
// 4. Prints, last, one line counted from the JSON reports: `N passed, N failed[, N skipped]`.
//    A step that breaks without test results (build failure, crashed project) counts as one
//    failure, so that line never reads "0 failed" for a failed run. Exit code 1 when anything
//    failed or nothing ran.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const PROJECTS = ["unit", "integration", "e2e"];
const resultsDir = path.join(root, "test-results");
const started = Date.now();

const args = process.argv.slice(2);
const selected = args.filter((a) => PROJECTS.includes(a));
const passthrough = args.filter((a) => !PROJECTS.includes(a));
const projects = selected.length ? PROJECTS.filter((p) => selected.includes(p)) : PROJECTS;

// Written synchronously: process.exit() must not cut off the closing line on a pipe.
const out = (line) => fs.writeSync(1, `${line}\n`);
const log = (m) => out(`[test] ${m}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

// The child running now (next build or vitest). When this script is interrupted, the child is
// told too, and vitest's teardown stops the console it started instead of leaving it orphaned.
let current = null;
let interrupted = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = signal;
    log(`${signal}: stopping`);
    if (current && current.exitCode === null) current.kill("SIGINT");
    else process.exit(130);
  });
}

function finish() {
  for (const p of problems) log(`FAILED: ${p}`);
  log(`total wall time ${seconds(Date.now() - started)}`);
  const ran = totals.passed + totals.failed;
  if (ran === 0 && totals.failed === 0) log("no test ran");
  const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
  out(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
  process.exit(totals.failed > 0 || ran === 0 ? 1 : 0);
}

// ---- 1. Prisma client -------------------------------------------------------------------------
const generated = path.join(root, "lib", "generated", "prisma", "client.ts");
const schema = path.join(root, "prisma", "schema.prisma");
if (!fs.existsSync(generated) || fs.statSync(generated).mtimeMs < fs.statSync(schema).mtimeMs) {
  log("generating the Prisma client");
  const r = spawnSync(process.execPath, ["scripts/prisma-generate.mjs"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    problems.push("prisma generate");
    totals.failed += 1;
    finish();
  }
}

// ---- 2. next build ----------------------------------------------------------------------------
/** Runs `next build`, echoing its output; resolves to its exit code, or "locked". */
function nextBuild() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    let locked = false;
    const tee = (out) => (chunk) => {
      if (/Another next build process is already running/.test(chunk.toString())) locked = true;
      out.write(chunk);
    };
    current = child;
    child.stdout.on("data", tee(process.stdout));
    child.stderr.on("data", tee(process.stderr));
    child.on("exit", (c, signal) => resolve(c !== 0 && locked ? "locked" : (c ?? `signal ${signal}`)));
  });
}

const needsConsole = projects.some((p) => p !== "unit");
if (needsConsole && process.env.BERTH_SKIP_BUILD !== "1") {
  log("next build (BERTH_SKIP_BUILD=1 skips it)");
  const t = Date.now();
  // Another build of this directory holds Next's lock (a shared work tree): wait for it.
  let code = await nextBuild();
  for (let attempt = 1; code === "locked" && attempt <= 20; attempt++) {
    log("another next build of this directory is running; retrying in 15 s");
    await new Promise((r) => setTimeout(r, 15_000));
    code = await nextBuild();
  }
  if (interrupted) {
    problems.push(`interrupted by ${interrupted} during next build`);
    totals.failed += 1;
    finish();
  }
  if (code !== 0) {
    problems.push(`next build ${code === "locked" ? "stayed locked by another build" : `exited ${code}`}`);
    totals.failed += 1;
    finish();
  }
  log(`next build took ${seconds(Date.now() - t)}`);
} else if (needsConsole) {
  const prod = fs.existsSync(path.join(root, ".next", "BUILD_ID"));
  log(`skipping next build; consoles run in ${process.env.BERTH_TEST_MODE ?? (prod ? "prod (existing build)" : "dev")} mode`);
}

// The console serves the agent bundle (install.sh, upgrades): build it, as npm start does (~1 s).
if (needsConsole) {
  const r = spawnSync(process.execPath, ["scripts/build-agent.mjs"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    problems.push("build:agent");
    totals.failed += 1;
    finish();
  }
}

// ---- 3. vitest, one project at a time ---------------------------------------------------------
fs.mkdirSync(resultsDir, { recursive: true });
// A hang guard, not a target: under a disk-loaded machine the integration project took 31 min here.
const projectTimeoutMs = Number(process.env.BERTH_TEST_PROJECT_TIMEOUT_S ?? 2100) * 1000;

function runVitest(project, jsonFile, tallyFile) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "node_modules/vitest/vitest.mjs",
        "run",
        "--project",
        project,
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${jsonFile}`,
        "--reporter=./tests/setup/tally-reporter.ts",
        "--passWithNoTests",
        ...passthrough,
      ],
      { cwd: root, stdio: "inherit", env: { ...process.env, BERTH_TEST_TALLY: tallyFile } },
    );
    current = child;
    // A hung project must not eat CI's budget: SIGINT lets vitest run its teardown (which stops
    // the console it started), SIGKILL follows if that hangs too.
    let killTimer;
    let timedOut = false;
    const watchdog = setTimeout(() => {
      timedOut = true;
      problems.push(`${project}: still running after ${seconds(projectTimeoutMs)}; interrupted`);
      child.kill("SIGINT");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    }, projectTimeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(watchdog);
      clearTimeout(killTimer);
      resolve({ code: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

/** When vitest was interrupted it wrote no JSON report: count what the tally reporter saw. */
function countTally(tallyFile) {
  if (!fs.existsSync(tallyFile)) return null;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const line of fs.readFileSync(tallyFile, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const { state } = JSON.parse(line);
    if (state === "passed") counts.passed += 1;
    else if (state === "failed") counts.failed += 1;
    else counts.skipped += 1;
  }
  log(`no JSON report (vitest did not finish); counted from ${path.relative(root, tallyFile)}`);
  return counts;
}

function countReport(jsonFile) {
  if (!fs.existsSync(jsonFile)) return null;
  const report = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
  // A file that failed outside any test (import error, failing hook) has no failed test of its
  // own; count it once so it cannot vanish from the tally.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"),
  );
  for (const f of brokenFiles) problems.push(`${path.relative(root, f.name)}: ${(f.message || "failed outside a test").split("\n")[0]}`);
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles.length,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

for (const project of projects) {
  if (interrupted) {
    problems.push(`interrupted by ${interrupted}`);
    totals.failed += 1;
    break;
  }
  const jsonFile = path.join(resultsDir, `vitest-${project}.json`);
  const tallyFile = path.join(resultsDir, `vitest-${project}.tally.jsonl`);
  fs.rmSync(jsonFile, { force: true });
  fs.rmSync(tallyFile, { force: true });
  log(`project ${project}`);
  const t = Date.now();
  const { code, timedOut } = await runVitest(project, jsonFile, tallyFile);
  const counts = countReport(jsonFile) ?? countTally(tallyFile) ?? { passed: 0, failed: 0, skipped: 0 };
  if (timedOut) {
    counts.failed += 1; // the tests it never reached
  } else if (code !== 0 && counts.failed === 0) {
    // Unhandled errors, a failed globalSetup, a crash: vitest failed without a failed test.
    problems.push(`${project}: vitest exited ${code} without a failed test (see its output above)`);
    counts.failed = 1;
  }
  log(`project ${project}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${seconds(Date.now() - t)}`);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
}

finish();

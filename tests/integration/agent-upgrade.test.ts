import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { THost } from "@/lib/protocol/api";
import type { TAppView } from "@/lib/protocol/apps";
import { enrollmentToken, ensureTestImage, startReadyAgent, TestAgent, TEST_IMAGE, waitFor } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { REPO_ROOT } from "../helpers/console";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

/**
 * Upgrading an installed agent to the bundle the console serves, and rolling back one that dies.
 * The console serves agent/dist: this file builds other bundles there and puts the original back.
 */
const DIST = path.join(REPO_ROOT, "agent", "dist");
const FILES = ["berth-agent.cjs", "berth-agent.json"];
let backup: string;
let admin: Api;
let engine: DockerEngine;
let installed: TestAgent | undefined;
let fromSource: TestAgent | undefined;
let second: TestAgent | undefined;

function servedVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(DIST, "berth-agent.json"), "utf8")) as { version: string }).version;
}

async function host(id: string): Promise<THost> {
  const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as THost[];
  return hosts.find((h) => h.id === id)!;
}

async function startedAtOf(hostId: string): Promise<Map<string, string | null>> {
  const listed = await engine.listByLabels({ [LABEL.host]: hostId });
  return new Map(await Promise.all(listed.map(async (c) => [c.id, (await engine.inspect(c.id))!.startedAt] as const)));
}

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  backup = fs.mkdtempSync(path.join(os.tmpdir(), "berth-dist-backup-"));
  for (const f of FILES) fs.copyFileSync(path.join(DIST, f), path.join(backup, f));
  const script = path.join(backup, "install.sh");
  fs.writeFileSync(script, await (await fetch(`${c.url}/api/v1/agent/install.sh`)).text());
  installed = new TestAgent(c.url, "upgradable", await enrollmentToken(admin), "test", script);
  installed.start();
  await waitFor("installed host Ready", async () => {
    const id = installed!.hostId();
    return id && (await host(id))?.status === "Ready";
  }, 90_000, 500);
});

afterAll(async () => {
  // The console goes back to serving what it served before this file.
  for (const f of FILES) fs.copyFileSync(path.join(backup, f), path.join(DIST, f));
  fs.rmSync(backup, { recursive: true, force: true });
  await installed?.destroy(engine, admin);
  await fromSource?.destroy(engine, admin);
  await second?.destroy(engine, admin);
});

it("upgrades an installed agent in place: same containers, never restarted, new version reported, audited", async () => {
  const hostId = installed!.hostId()!;
  const team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 2 } });
  const member = (await makeMember(admin, team, "MEMBER")).api;
  expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "keeps-running",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
    }),
    201,
  );
  await waitFor("set Running", async () => {
    const v = expectStatus(await member.get(`/api/v1/teams/${team}/apps/keeps-running`), 200) as TAppView;
    return v.sets[0]?.state === "Running" && v.sets[0].host?.id === hostId;
  }, 90_000, 500);
  const before = await startedAtOf(hostId);
  expect(before.size).toBe(2);
  const v1 = (await host(hostId)).agentVersion!;

  const built = spawnSync(process.execPath, ["scripts/build-agent.mjs"], { cwd: REPO_ROOT, env: { ...process.env, BERTH_AGENT_BUILD_TAG: "upgrade-test" }, encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  const v2 = servedVersion();
  expect(v2).toBe(`${v1}.upgrade-test`);
  expect(await host(hostId)).toMatchObject({ agentVersion: v1, latestAgentVersion: v2 });

  const answer = expectStatus(await admin.post(`/api/v1/hosts/${hostId}/upgrade`, {}), 200);
  expect(answer).toEqual({ hostId, from: v1, to: v2 });
  await waitFor("the host reports the new version", async () => {
    const h = await host(hostId);
    return h.status === "Ready" && h.agentVersion === v2;
  }, 60_000, 500);
  expect(await startedAtOf(hostId)).toEqual(before);
  const audit = expectStatus(await admin.get("/api/v1/audit"), 200) as Array<{ action: string; targetId: string | null; details: Record<string, unknown> }>;
  expect(audit.find((e) => e.action === "host.upgrade" && e.targetId === hostId)?.details).toMatchObject({ from: v1, to: v2 });
  // Already there: nothing to do.
  expectError(await admin.post(`/api/v1/hosts/${hostId}/upgrade`, {}), 409, "CONFLICT");
  await member.delete(`/api/v1/teams/${team}/apps/keeps-running`);
}, 240_000);

it("puts the previous agent back when the upgraded one dies at start", async () => {
  const hostId = installed!.hostId()!;
  const v2 = (await host(hostId)).agentVersion!;
  // A bundle that passes the trial start (--version) and then dies: what a bad release looks like.
  const v3 = `${v2}-broken`;
  const bad = Buffer.from(`if (process.argv.includes("--version")) { console.log(${JSON.stringify(v3)}); process.exit(0); }\nconsole.error("broken build");\nprocess.exit(3);\n`);
  fs.writeFileSync(path.join(DIST, "berth-agent.cjs"), bad);
  fs.writeFileSync(path.join(DIST, "berth-agent.json"), JSON.stringify({ version: v3, sha256: createHash("sha256").update(bad).digest("hex"), bytes: bad.length }));

  expect(expectStatus(await admin.post(`/api/v1/hosts/${hostId}/upgrade`, {}), 200)).toMatchObject({ from: v2, to: v3 });
  await waitFor("the runner rolled back", () => Promise.resolve(installed!.log.some((l) => /rolling back/.test(l))), 60_000, 250);
  // The restored agent connects again (not just the host row still saying Ready from before).
  await waitFor("the restored agent connected", () => {
    const rolled = installed!.log.findIndex((l) => /rolling back/.test(l));
    return Promise.resolve(installed!.log.slice(rolled).some((l) => /connected to /.test(l)));
  }, 60_000, 250);
  await waitFor("the previous agent is back and Ready", async () => {
    const h = await host(hostId);
    return h.status === "Ready" && h.agentVersion === v2;
  }, 60_000, 500);
  const onDisk = spawnSync(process.execPath, [path.join(installed!.stateDir, "berth-agent.cjs"), "--version"], { encoding: "utf8" });
  expect(onDisk.stdout.trim()).toBe(v2);
}, 180_000);

it("refuses a corrupted bundle and an agent run from a checkout, changing nothing", async () => {
  const hostId = installed!.hostId()!;
  const current = (await host(hostId)).agentVersion!;
  // The metadata announces one file, the console serves another.
  const info = JSON.parse(fs.readFileSync(path.join(DIST, "berth-agent.json"), "utf8")) as { version: string; sha256: string };
  fs.writeFileSync(path.join(DIST, "berth-agent.json"), JSON.stringify({ ...info, version: `${current}-other`, sha256: "0".repeat(64) }));
  const refused = expectError(await admin.post(`/api/v1/hosts/${hostId}/upgrade`, {}), 503, "UNAVAILABLE");
  expect(JSON.stringify(refused)).toMatch(/checksum mismatch/);
  expect((await host(hostId)).agentVersion).toBe(current);

  fromSource = await startReadyAgent(admin, consoleInfo().url, "from-source");
  const source = expectError(await admin.post(`/api/v1/hosts/${fromSource.hostId()}/upgrade`, {}), 409, "CONFLICT");
  expect(JSON.stringify(source)).toMatch(/source checkout/);
}, 120_000);

it("upgrades every outdated agent one host at a time, as one operation", async () => {
  // Serve the original bundle again and install a second host from it.
  for (const f of FILES) fs.copyFileSync(path.join(backup, f), path.join(DIST, f));
  second = new TestAgent(consoleInfo().url, "upgradable-2", await enrollmentToken(admin), "test", path.join(backup, "install.sh"));
  second.start();
  await waitFor("second installed host Ready", async () => {
    const id = second!.hostId();
    return id && (await host(id))?.status === "Ready";
  }, 90_000, 500);
  const built = spawnSync(process.execPath, ["scripts/build-agent.mjs"], { cwd: REPO_ROOT, env: { ...process.env, BERTH_AGENT_BUILD_TAG: "upgrade-all" }, encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  const target = servedVersion();
  const ids = [installed!.hostId()!, second.hostId()!];
  for (const id of ids) expect((await host(id)).agentVersion).not.toBe(target);

  // The agent run from a checkout is left alone: two hosts, not three.
  const started = expectStatus(await admin.post("/api/v1/hosts/upgrade", {}), 202) as { operationId: string; hosts: number };
  expect(started.hosts).toBe(2);
  const op = await waitFor("the rollout finished", async () => {
    const o = expectStatus(await admin.get(`/api/v1/operations/${started.operationId}`), 200) as { status: string; error: string | null; progress: { total: number; moved: number } };
    return o.status === "Running" ? null : o;
  }, 180_000, 500);
  expect(op).toMatchObject({ status: "Succeeded", progress: { total: 2, moved: 2 } });
  for (const id of ids) expect((await host(id)).agentVersion).toBe(target);
  expect((await host(fromSource!.hostId()!)).agentVersion).toMatch(/\+source$/);
}, 300_000);

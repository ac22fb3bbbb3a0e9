import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { cgroupMounts, cgroupParentPath } from "@/agent/sets/cgroup";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView } from "@/lib/protocol/apps";
import { ensureTestImage, execIn, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

const MIB = 1024 * 1024;
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let member: Api;
let team: string;

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  // Test agents rotate container logs at 1 MiB × 2 files (BERTH_LOG_MAX_SIZE, BERTH_LOG_MAX_FILES).
  agent = await startReadyAgent(admin, c.url, "caps");
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 4 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

async function runApp(name: string, command: string[]): Promise<TAppView> {
  expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name,
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 0 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command }],
    }),
    201,
  );
  return waitFor(`${name} Running`, async () => {
    const v = expectStatus(await member.get(`/api/v1/teams/${team}/apps/${name}`), 200) as TAppView;
    return v.sets[0]?.state === "Running" ? v : null;
  }, 90_000, 300);
}

async function appContainer(setId: string): Promise<string> {
  const [c] = (await engine.listByLabels({ [LABEL.set]: setId })).filter((x) => x.labels[LABEL.role] === "app");
  return c.id;
}

it("keeps a container that prints as fast as it can under its log cap", async () => {
  const line = "x".repeat(200);
  const chatty = await runApp("chatty", ["sh", "-c", `while :; do echo ${line}; done`]);
  const id = await appContainer(chatty.sets[0].id);
  const logPath = (await engine.docker.getContainer(id).inspect()).LogPath;
  const dir = path.dirname(logPath);
  const files = () => fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(logPath)));
  // Rotated at least once, so the cap was reached, not merely not yet hit.
  await waitFor("the log rotated", () => Promise.resolve(files().length >= 2), 60_000, 250);
  await new Promise((r) => setTimeout(r, 5000));
  const total = files().reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  expect(files().length).toBeLessThanOrEqual(2);
  // 2 files of 1 MiB; json-file rotates after the write that crosses the size.
  expect(total, `${files().join(", ")}: ${total} bytes`).toBeLessThanOrEqual(2 * MIB + 64 * 1024);
  await member.delete(`/api/v1/teams/${team}/apps/chatty`);
}, 120_000);

it("holds a set at its PIDs cap while a second set on the host keeps answering", async () => {
  const greedy = await runApp("forks", ["sleep", "100000"]);
  const calm = await runApp("calm", ["sleep", "100000"]);
  const setId = greedy.sets[0].id;
  const m = cgroupMounts();
  const dir = m.version === 2 ? path.join(m.unified!, cgroupParentPath(setId)) : path.join(m.pids!, cgroupParentPath(setId));
  const cap = Number(fs.readFileSync(path.join(dir, "pids.max"), "utf8"));
  // 0.25 cores: the floor of 256 processes.
  expect(cap).toBe(256);
  // A bounded loop, never an unbounded fork bomb: twice the cap of background sleeps.
  const r = await execIn(engine, await appContainer(setId), ["sh", "-c", `i=0; while [ $i -lt ${cap * 2} ]; do sleep 120 & i=$((i+1)); done 2>/dev/null; echo done`]);
  const current = Number(fs.readFileSync(path.join(dir, "pids.current"), "utf8"));
  expect(current, r.report).toBeLessThanOrEqual(cap);
  expect(current).toBeGreaterThan(cap / 2);
  const alive = await execIn(engine, await appContainer(calm.sets[0].id), ["echo", "still here"]);
  expect(alive.output.trim(), alive.report).toBe("still here");
  await member.delete(`/api/v1/teams/${team}/apps/forks`);
  await member.delete(`/api/v1/teams/${team}/apps/calm`);
}, 120_000);

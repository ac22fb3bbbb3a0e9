import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { XfsVolumes } from "@/agent/volumes/xfs";
import { LABEL, volumeKey } from "@/lib/protocol/agent";
import type { TSetView } from "@/lib/protocol/apps";
import { execIn, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { agentOnSecondEngine, type SecondEngine } from "../helpers/engine2";
import { makeMember, makeTeam } from "../helpers/fixtures";

/**
 * A host that goes down the way real ones do, on a Docker engine of its own: agent killed, engine
 * stopped, volumes detached (what a power cycle leaves), then engine and agent back. Also an engine
 * restarting under running sets, and a volume that no longer mounts.
 */
let admin: Api;
let member: Api;
let team: string;
let engine2: SecondEngine;
let agent: TestAgent;
let setId: string;

async function set(): Promise<TSetView> {
  return expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
}

async function containers(): Promise<Array<{ id: string; role: string; state: string }>> {
  const listed = await engine2.engine().listByLabels({ [LABEL.set]: setId });
  return listed.map((c) => ({ id: c.id, role: c.labels[LABEL.role], state: c.state })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function appContainer(): Promise<string> {
  return (await containers()).find((c) => c.role === "app")!.id;
}

function volumePaths(): { mount: string; image: string } {
  const volumes = new XfsVolumes(path.join(agent.stateDir, "volumes"));
  const key = volumeKey(setId, agent.hostId()!);
  return { mount: volumes.mountPath(key), image: volumes.imagePath(key) };
}

/** What a power cycle leaves: the mount and its loop device gone, the image file intact. */
function detachVolume(): void {
  execFileSync("umount", [volumePaths().mount]);
  const mounted = fs.readFileSync("/proc/self/mountinfo", "utf8").includes(` ${volumePaths().mount} `);
  expect(mounted).toBe(false);
}

/** Running as Docker sees it (the console's row may still say Running from before the outage), and as the API says. */
async function runningAgain(): Promise<TSetView> {
  return waitFor("the set Running again on its host", async () => {
    const listed = await containers();
    if (listed.length === 0 || listed.some((c) => c.state !== "running")) return null;
    const s = await set();
    return s.state === "Running" && s.host?.id === agent.hostId() ? s : null;
  }, 120_000, 500);
}

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  ({ engine2, agent } = await agentOnSecondEngine(admin, c.url, "restarts"));
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 2 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
  expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "keeper",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
    }),
    201,
  );
  const app = expectStatus(await member.get(`/api/v1/teams/${team}/apps/keeper`), 200) as { sets: Array<{ id: string }> };
  setId = app.sets[0].id;
  await runningAgain();
  const wrote = await execIn(engine2.engine(), await appContainer(), ["sh", "-c", "echo survives > /data/marker"]);
  expect(wrote.code, wrote.report).toBe(0);
}, 300_000);

afterAll(async () => {
  await member?.delete(`/api/v1/teams/${team}/apps/keeper`);
  await agent?.destroy(engine2.engine(), admin);
  await engine2?.destroy();
});

async function expectDataAndCap(): Promise<void> {
  const app = await appContainer();
  const marker = await execIn(engine2.engine(), app, ["cat", "/data/marker"]);
  expect(marker.output.trim(), marker.report).toBe("survives");
  // /data is the set's 1 GiB XFS again, not the host's disk under the empty mount point.
  const df = await execIn(engine2.engine(), app, ["df", "-m", "/data"]);
  // About 1 GiB less XFS's own metadata, on a loop device.
  expect(df.output, df.report).toMatch(/\/dev\/loop\d+\s+(9\d\d|10[01]\d)\s/);
}

it("after a power cycle (agent killed, engine stopped, volume detached) the set runs again with its data and size cap, same containers", async () => {
  const before = await containers();
  expect(before).toHaveLength(2);
  await agent.kill("SIGKILL");
  await engine2.stop();
  detachVolume();
  await engine2.start();
  // Docker must not start the infra container by itself: it would bind the empty mount point.
  await new Promise((r) => setTimeout(r, 2000));
  expect((await containers()).find((c) => c.role === "infra")?.state).not.toBe("running");
  agent.start();
  await runningAgain();
  expect((await containers()).map((c) => c.id)).toEqual(before.map((c) => c.id));
  await expectDataAndCap();
}, 240_000);

it("after the engine restarts under running sets (agent stays up) the set runs again with its data, same containers", async () => {
  const before = await containers();
  await engine2.stop();
  await engine2.start();
  await runningAgain();
  expect((await containers()).map((c) => c.id)).toEqual(before.map((c) => c.id));
  await expectDataAndCap();
}, 240_000);

it("a volume that no longer mounts leaves the set Failed with the check's verdict, and its image untouched", async () => {
  await agent.kill("SIGKILL");
  await engine2.stop();
  detachVolume();
  const { image } = volumePaths();
  // The superblock's first sector zeroed: XFS no longer recognises it.
  const fd = fs.openSync(image, "r+");
  fs.writeSync(fd, Buffer.alloc(512), 0, 512, 0);
  fs.closeSync(fd);
  const digest = () => createHash("sha256").update(fs.readFileSync(image).subarray(0, 64 * 1024 * 1024)).digest("hex");
  const damaged = digest();
  const size = fs.statSync(image).size;
  await engine2.start();
  agent.start();
  const failed = await waitFor("the set Failed with the volume check's verdict", async () => {
    const s = await set();
    return s.state === "Failed" ? s : null;
  }, 120_000, 500);
  expect(failed.reason).toMatch(/volume check failed/);
  expect(fs.statSync(image).size).toBe(size);
  expect(digest()).toBe(damaged);
}, 240_000);

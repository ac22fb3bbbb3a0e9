import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { statValue } from "@/agent/metrics/parse";
import { cgroupMounts, cgroupParentPath } from "@/agent/sets/cgroup";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import type { TVolumeView } from "@/lib/volumes/recycle";
import { ensureTestImage, execIn, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
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
  agent = await startReadyAgent(admin, c.url, "volumes");
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 4096, diskGiB: 20, sets: 10 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

async function running(n: number): Promise<TAppView> {
  return waitFor(`${n} sets Running`, async () => {
    const v = expectStatus(await member.get(`/api/v1/teams/${team}/apps/data`), 200) as TAppView;
    return v.sets.length === n && v.sets.every((s) => s.state === "Running") ? v : null;
  }, 90_000, 300);
}

/**
 * Another tenant of the host writing to its disk: buffered `dd` of 2 GiB at a time into the test
 * agent's state dir (on the host's disk), over and over, until stopped.
 */
function startDiskWriter(dir: string): { stop(): Promise<void> } {
  const file = path.join(dir, "disk-load.bin");
  const child = spawn("sh", ["-c", `while :; do dd if=/dev/zero of='${file}' bs=1M count=2048 2>/dev/null; rm -f '${file}'; done`], {
    stdio: "ignore",
    detached: true,
  });
  return {
    stop: async () => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      await new Promise((r) => child.once("exit", r));
      fs.rmSync(file, { force: true });
    },
  };
}

/** Highest dirty + writeback bytes of the set's memory cgroup (v1 totals or v2), sampled every 20 ms. */
function sampleDirtyPeak(setId: string): { stop(): number } {
  const m = cgroupMounts();
  const stat = path.join((m.version === 2 ? m.unified : m.memory)!, cgroupParentPath(setId), "memory.stat");
  const keys = m.version === 2 ? ["file_dirty", "file_writeback"] : ["total_dirty", "total_writeback"];
  let peak = 0;
  const timer = setInterval(() => {
    const text = fs.readFileSync(stat, "utf8");
    peak = Math.max(peak, keys.reduce((sum, k) => sum + (statValue(text, k) ?? 0), 0));
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

async function containerOf(setId: string, role: "infra" | "app"): Promise<string> {
  const [c] = (await engine.listByLabels({ [LABEL.set]: setId })).filter((x) => x.labels[LABEL.role] === role);
  return c.id;
}

it("caps writes at the volume size, grows online, and keeps a removed set's volume in the recycle bin for restore", async () => {
  expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "data",
      replicas: 2,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
    }),
    201,
  );
  let view = await running(2);
  const [a, b] = view.sets;
  const appA = await containerOf(a.id, "app");
  const infraA = await containerOf(a.id, "infra");
  const infraStarted = (await engine.inspect(infraA))!.startedAt;

  // Past the 1 GiB cap: ENOSPC inside the container, not an OOM kill, while the host's disk is busy
  // with someone else's writes. The set's memory is 64 MiB: its page cache waiting for writeback
  // stays under the volume's dirty cap (25 % of the set's memory, 16 MiB).
  const load = startDiskWriter(agent.stateDir);
  try {
    const peak = sampleDirtyPeak(a.id);
    const tooBig = await execIn(engine, appA, ["dd", "if=/dev/zero", "of=/data/big", "bs=1M", "count=1100"]);
    const peakBytes = peak.stop();
    expect(tooBig.oomKills, tooBig.report).toBe(0);
    expect(tooBig.code, tooBig.report).not.toBe(0);
    expect(tooBig.output, tooBig.report).toMatch(/No space left on device/);
    expect(peakBytes, `peak dirty + writeback of the set: ${(peakBytes / MIB).toFixed(1)} MiB`).toBeLessThanOrEqual(24 * MIB);
  } finally {
    await load.stop();
  }
  await execIn(engine, appA, ["rm", "-f", "/data/big"]);

  // Grow to 2 GiB online: the same write now fits, nothing restarted.
  expectStatus(await member.patch(`/api/v1/teams/${team}/apps/data`, { size: { cpu: 0.25, memoryMiB: 64, diskGiB: 2 } }), 200);
  const fits = await execIn(engine, appA, ["dd", "if=/dev/zero", "of=/data/big", "bs=1M", "count=1100"]);
  expect(fits.code, fits.report).toBe(0);
  expect((await engine.inspect(infraA))!.startedAt).toBe(infraStarted);
  const df = await execIn(engine, appA, ["df", "-m", "/data"]);
  expect(df.output, df.report).toMatch(/\s(19|20)\d\d\s/); // about 2 GiB less XFS's own metadata
  await execIn(engine, appA, ["rm", "-f", "/data/big"]);
  view = await running(2);
  expect(view.sets[0].volume).toMatchObject({ sizeGiB: 2, path: "/data" });

  // B's data goes to the recycle bin when B is removed by scaling in (newest first).
  const appB = await containerOf(b.id, "app");
  const wrote = await execIn(engine, appB, ["sh", "-c", "echo kept-by-b > /data/marker"]);
  expect(wrote.code, wrote.report).toBe(0);
  expectStatus(await member.patch(`/api/v1/teams/${team}/apps/data`, { replicas: 1 }), 200);
  await running(1);
  const trashed = await waitFor("volume in the recycle bin", async () => {
    const list = expectStatus(await member.get(`/api/v1/teams/${team}/volumes?trashed=1`), 200) as TVolumeView[];
    return list.find((v) => v.app === "data");
  });
  expect(trashed.purgeAfter).toBeTruthy();

  // Restore it into A: A now sees B's data; A's own volume takes its place in the bin.
  const outsider = (await makeMember(admin, await makeTeam(admin), "OWNER")).api;
  expectError(await outsider.post(`/api/v1/teams/${team}/volumes/${trashed.id}/restore`, { setId: a.id }), 404, "NOT_FOUND");
  expectStatus(await member.post(`/api/v1/teams/${team}/volumes/${trashed.id}/restore`, { setId: a.id }), 200);
  await running(1);
  const appAAfter = await containerOf(a.id, "app");
  const marker = await execIn(engine, appAAfter, ["cat", "/data/marker"]);
  expect(marker.output.trim(), marker.report).toBe("kept-by-b");
  const bin = expectStatus(await member.get(`/api/v1/teams/${team}/volumes?trashed=1`), 200) as TVolumeView[];
  expect(bin.map((v) => v.id)).not.toContain(trashed.id);
  expect(bin.length).toBe(1);

  // Purge empties the bin for good.
  expectStatus(await member.delete(`/api/v1/teams/${team}/volumes/${bin[0].id}`), 200);
  expect(expectStatus(await member.get(`/api/v1/teams/${team}/volumes?trashed=1`), 200)).toEqual([]);
  await member.delete(`/api/v1/teams/${team}/apps/data`);
}, 300_000);

it("reports an OOM kill inside a container on the set, with what filled the memory", async () => {
  const app = expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "greedy",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
    }),
    201,
  ) as TAppView;
  const setId = app.sets[0].id;
  await waitFor("set Running", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000, 300);
  // dd's 128 MiB buffer cannot fit in 64 MiB: the kernel kills dd; the container lives on.
  const greedy = await execIn(engine, await containerOf(setId, "app"), ["dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"]);
  expect(greedy.oomKills, greedy.report).toBeGreaterThan(0);
  const reported = await waitFor("the OOM kill on the set", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    return s.containers[0].oom.kills > 0 ? s : null;
  }, 20_000, 250);
  expect(reported.state).toBe("Running");
  expect(reported.containers[0].oom.lastAt).toBeTruthy();
  expect(reported.containers[0].oom.lastCause).toMatch(/limit 64 MiB, anonymous \d+ MiB, page cache \d+ MiB \(dirty \d+ MiB, writeback \d+ MiB\)/);
  await member.delete(`/api/v1/teams/${team}/apps/greedy`);
}, 180_000);

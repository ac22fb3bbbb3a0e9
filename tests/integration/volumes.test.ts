import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView } from "@/lib/protocol/apps";
import type { TVolumeView } from "@/lib/volumes/recycle";
import { ensureTestImage, execIn, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

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

  // Past the 1 GiB cap: ENOSPC inside the container.
  const tooBig = await execIn(engine, appA, ["dd", "if=/dev/zero", "of=/data/big", "bs=1M", "count=1100"]);
  expect(tooBig.code).not.toBe(0);
  expect(tooBig.output).toMatch(/No space left on device/);
  await execIn(engine, appA, ["rm", "-f", "/data/big"]);

  // Grow to 2 GiB online: the same write now fits, nothing restarted.
  expectStatus(await member.patch(`/api/v1/teams/${team}/apps/data`, { size: { cpu: 0.25, memoryMiB: 64, diskGiB: 2 } }), 200);
  const fits = await execIn(engine, appA, ["dd", "if=/dev/zero", "of=/data/big", "bs=1M", "count=1100"]);
  expect(fits.code).toBe(0);
  expect((await engine.inspect(infraA))!.startedAt).toBe(infraStarted);
  const df = await execIn(engine, appA, ["df", "-m", "/data"]);
  expect(df.output).toMatch(/\s(19|20)\d\d\s/); // about 2 GiB less XFS's own metadata
  await execIn(engine, appA, ["rm", "-f", "/data/big"]);
  view = await running(2);
  expect(view.sets[0].volume).toMatchObject({ sizeGiB: 2, path: "/data" });

  // B's data goes to the recycle bin when B is removed by scaling in (newest first).
  const appB = await containerOf(b.id, "app");
  expect((await execIn(engine, appB, ["sh", "-c", "echo kept-by-b > /data/marker"])).code).toBe(0);
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
  expect(marker.output.trim()).toBe("kept-by-b");
  const bin = expectStatus(await member.get(`/api/v1/teams/${team}/volumes?trashed=1`), 200) as TVolumeView[];
  expect(bin.map((v) => v.id)).not.toContain(trashed.id);
  expect(bin.length).toBe(1);

  // Purge empties the bin for good.
  expectStatus(await member.delete(`/api/v1/teams/${team}/volumes/${bin[0].id}`), 200);
  expect(expectStatus(await member.get(`/api/v1/teams/${team}/volumes?trashed=1`), 200)).toEqual([]);
  await member.delete(`/api/v1/teams/${team}/apps/data`);
}, 300_000);

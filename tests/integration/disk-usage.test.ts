import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import type { THost } from "@/lib/protocol/api";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
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
  // Test agents scan every 3 s (BERTH_DISK_SCAN_SECONDS); real ones every 5 minutes.
  agent = await startReadyAgent(admin, c.url, "disk");
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 2 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

async function host(): Promise<THost> {
  const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as THost[];
  return hosts.find((h) => h.id === agent.hostId())!;
}

it("measures each container's writable layer, the set's volume and the recycle bin, and shows them per set and per host", async () => {
  const app = expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "writer",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 128, diskGiB: 1 },
      containers: [
        { index: 0, name: "app", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["sleep", "100000"] },
        { index: 1, name: "quiet", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["sleep", "100000"] },
      ],
    }),
    201,
  ) as TAppView;
  const setId = app.sets[0].id;
  const running = await waitFor("set Running", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000, 500);
  const appContainer = running.containers.find((c) => c.name === "app")!;

  // 8 MiB into the container's own file system (its writable layer), 16 MiB into the set volume.
  expect((await execIn(engine, appContainer.dockerId!, ["dd", "if=/dev/urandom", "of=/tmp/layer.bin", "bs=1M", "count=8"])).code).toBe(0);
  expect((await execIn(engine, appContainer.dockerId!, ["dd", "if=/dev/urandom", "of=/data/volume.bin", "bs=1M", "count=16"])).code).toBe(0);

  const measured = await waitFor("the next disk scan reports the writes", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    const layer = s.containers.find((c) => c.name === "app")!.diskBytes;
    return layer !== null && layer >= 8 * MIB && (s.volume?.usedBytes ?? 0) >= 16 * MIB ? s : null;
  }, 30_000, 500);
  const quiet = measured.containers.find((c) => c.name === "quiet")!.diskBytes;
  expect(quiet).not.toBeNull();
  expect(quiet!).toBeLessThan(MIB);
  // The layer holds the 8 MiB file, not the volume's 16 MiB.
  expect(measured.containers.find((c) => c.name === "app")!.diskBytes!).toBeLessThan(12 * MIB);

  const h = await host();
  expect(h.berthDisk).not.toBeNull();
  expect(h.berthDisk!.containersBytes).toBeGreaterThanOrEqual(8 * MIB);
  expect(h.berthDisk!.volumesBytes).toBeGreaterThanOrEqual(16 * MIB);
  expect(Date.parse(h.berthDisk!.measuredAt)).toBeGreaterThan(Date.now() - 60_000);

  // Deleting the app sends the volume to the recycle bin, which keeps its 16 MiB on disk.
  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/writer`), 200);
  const after = await waitFor("the bin counted, the layers gone", async () => {
    const x = await host();
    return x.berthDisk && x.berthDisk.trashBytes >= 16 * MIB && x.berthDisk.containersBytes === 0 ? x : null;
  }, 60_000, 500);
  expect(after.berthDisk!.volumesBytes).toBe(0);
}, 240_000);

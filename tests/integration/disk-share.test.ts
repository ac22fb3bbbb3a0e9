import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, execIn, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { sql } from "../helpers/db";
import { makeMember, makeTeam } from "../helpers/fixtures";
import { startConsole, type TConsole } from "../helpers/console";
import { publishTestImages } from "../helpers/registry";

/**
 * A set's containers' writable layers against its share of the host's disk (its disk size, at least
 * BERTH_ROOTFS_SHARE_MIN_MIB): over it the set is flagged, and with BERTH_ENFORCE_ROOTFS=1 stopped
 * with the reason. A console of its own, so the small share and the enforcement touch no other test.
 */
const MIB = 1024 * 1024;
let c: TConsole;
let admin: Api;
let member: Api;
let engine: DockerEngine;
let agent: TestAgent;
let team: string;

async function runningSet(name: string, diskGiB: number): Promise<TSetView> {
  const app = expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name,
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 128, diskGiB },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
    }),
    201,
  ) as TAppView;
  return waitFor(`${name} Running`, async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${app.sets[0].id}`), 200) as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000, 500);
}

beforeAll(async () => {
  c = await startConsole({ env: { BERTH_ROOTFS_SHARE_MIN_MIB: "32", BERTH_ENFORCE_ROOTFS: "1" } });
  await publishTestImages(c);
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "share");
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 4 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
}, 180_000);

afterAll(async () => {
  await agent?.destroy(engine, admin);
  await c?.stop();
});

it("a set under its share is left alone; one over it is flagged, stopped with the reason, audited", async () => {
  const calm = await runningSet("calm", 0);
  const greedy = await runningSet("greedy", 0);
  expect(greedy.writableLayers.shareBytes).toBe(32 * MIB);
  const small = await execIn(engine, calm.containers[0].dockerId!, ["dd", "if=/dev/urandom", "of=/tmp/small.bin", "bs=1M", "count=4"]);
  expect(small.code, small.report).toBe(0);
  const big = await execIn(engine, greedy.containers[0].dockerId!, ["dd", "if=/dev/urandom", "of=/tmp/big.bin", "bs=1M", "count=48"]);
  expect(big.code, big.report).toBe(0);

  const stopped = await waitFor("the greedy set flagged and stopped", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${greedy.id}`), 200) as TSetView;
    return s.writableLayers.over && s.state === "Stopped" ? s : null;
  }, 60_000, 500);
  expect(stopped.writableLayers.usedBytes).toBeGreaterThan(32 * MIB);
  const audit = await sql<{ details: { writableBytes: number; shareBytes: number } }>(
    c.databaseUrl,
    `SELECT details FROM "AuditEvent" WHERE action = 'set.stop_disk_share' AND "targetId" = $1`,
    [greedy.id],
  );
  expect(audit).toHaveLength(1);
  expect(audit[0].details.shareBytes).toBe(32 * MIB);

  // Measured, under its share, still running.
  const calmNow = await waitFor("the calm set measured", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${calm.id}`), 200) as TSetView;
    return s.writableLayers.usedBytes !== null && s.writableLayers.usedBytes >= 4 * MIB ? s : null;
  }, 30_000, 500);
  expect(calmNow.writableLayers.over).toBe(false);
  expect(calmNow.state).toBe("Running");
}, 240_000);

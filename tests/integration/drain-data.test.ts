import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL, volumeKey } from "@/lib/protocol/agent";
import type { TOperationView } from "@/lib/protocol/api";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, execIn, runningAppContainer, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { makeMember, makeTeam } from "../helpers/fixtures";

/**
 * Draining a host moves a set's data with it: the set stops, its XFS image streams from the old
 * agent through the console to the new one, and the set starts there with the same files. A copy
 * that cannot be made leaves the set running where it was, with its data. Two agents on one
 * engine stand in for two hosts.
 */
const c = consoleInfo();
let admin: Api;
let member: Api;
let engine: DockerEngine;
let a: TestAgent;
let b: TestAgent;
let team: string;

async function set(id: string): Promise<TSetView> {
  return expectStatus(await member.get(`/api/v1/sets/${id}`), 200) as TSetView;
}

/** A set on A whose volume holds `content` in /data/notes.txt (and a 20 MiB file, to copy some bytes). */
async function setWithData(name: string, content: string): Promise<string> {
  expectStatus(await admin.post(`/api/v1/hosts/${b.hostId()}/cordon`), 200);
  const app = expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name,
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
    }),
    201,
  ) as TAppView;
  const id = app.sets[0].id;
  await waitFor(`${name} Running on A`, async () => {
    const s = await set(id);
    return s.state === "Running" && s.host?.id === a.hostId() ? s : null;
  }, 90_000, 500);
  expectStatus(await admin.post(`/api/v1/hosts/${b.hostId()}/uncordon`), 200);
  const write = await execIn(engine, await runningAppContainer(engine, id, a.hostId()!), [
    "sh", "-c", `echo ${content} > /data/notes.txt && dd if=/dev/urandom of=/data/blob bs=1M count=20 2>/dev/null && md5sum /data/blob > /data/blob.md5 && sync`,
  ]);
  expect(write.code, write.report).toBe(0);
  await waitFor(`${name}'s volume reported as holding data`, async () => {
    const rows = await sql<{ holdsData: boolean | null }>(c.databaseUrl, `SELECT "holdsData" FROM "Volume" WHERE "setId" = $1`, [id]);
    return rows[0]?.holdsData === true;
  }, 30_000, 500);
  return id;
}

/**
 * Hosts other files left Ready (the console is shared) are cordoned for the drain, so the set can
 * only go to B: a Ready host without an agent would fail the copy for a reason of its own.
 */
async function drainA(): Promise<TOperationView> {
  const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as Array<{ id: string; cordoned: boolean }>;
  const others = hosts.filter((h) => h.id !== a.hostId() && h.id !== b.hostId() && !h.cordoned);
  for (const h of others) expectStatus(await admin.post(`/api/v1/hosts/${h.id}/cordon`), 200);
  try {
    return await drainOnce();
  } finally {
    for (const h of others) await admin.post(`/api/v1/hosts/${h.id}/uncordon`);
  }
}

async function drainOnce(): Promise<TOperationView> {
  const started = expectStatus(await admin.post(`/api/v1/hosts/${a.hostId()}/drain`), 202) as { operationId: string };
  return waitFor("drain finished", async () => {
    const o = expectStatus(await admin.get(`/api/v1/operations/${started.operationId}`), 200) as TOperationView;
    return o.status === "Running" ? null : o;
  }, 240_000, 500);
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  [a, b] = await Promise.all([startReadyAgent(admin, c.url, "move-a"), startReadyAgent(admin, c.url, "move-b")]);
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 4 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await Promise.all([a?.destroy(engine, admin), b?.destroy(engine, admin)]);
});

it("a copy that cannot be made leaves the set running where it was, with its data, and says why", async () => {
  const id = await setWithData("stays", "still-here");
  // B already holds a volume for this set: the receiving agent refuses to write over it.
  const squatter = path.join(b.stateDir, "volumes", "images", `${volumeKey(id, b.hostId()!)}.xfs`);
  fs.mkdirSync(path.dirname(squatter), { recursive: true });
  fs.writeFileSync(squatter, "not an image");
  const op = await drainA();
  expect(op.status).toBe("Failed");
  expect(op.error).toMatch(/could not be copied/);
  const back = await waitFor("the set Running on A again", async () => {
    const s = await set(id);
    return s.state === "Running" && s.host?.id === a.hostId() ? s : null;
  }, 90_000, 500);
  expect(back.reason ?? "").not.toMatch(/^moving/);
  const read = await execIn(engine, await runningAppContainer(engine, id, a.hostId()!), ["cat", "/data/notes.txt"]);
  expect(read.output.trim(), read.report).toBe("still-here");
  fs.rmSync(squatter);
  expectStatus(await admin.post(`/api/v1/hosts/${a.hostId()}/uncordon`), 200);
  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/stays`), 200);
}, 300_000);

it("draining moves the set and its files to the other host; the original goes to the old host's recycle bin", async () => {
  const id = await setWithData("mover", "precious-notes");
  const op = await drainA();
  expect(op, JSON.stringify(op)).toMatchObject({ status: "Succeeded", error: null });
  expect(op.progress.moved).toBeGreaterThanOrEqual(1);
  const moved = await set(id);
  expect(moved.host?.id).toBe(b.hostId());
  expect(moved.state).toBe("Running");
  const container = await runningAppContainer(engine, id, b.hostId()!);
  const notes = await execIn(engine, container, ["cat", "/data/notes.txt"]);
  expect(notes.output.trim(), notes.report).toBe("precious-notes");
  const check = await execIn(engine, container, ["sh", "-c", "cd /data && md5sum -c blob.md5"]);
  expect(check.code, check.report).toBe(0);
  expect(await engine.listByLabels({ [LABEL.set]: id, [LABEL.host]: a.hostId()! })).toEqual([]);
  // The copy on B is sparse: far fewer blocks than the 1 GiB image's length.
  const image = path.join(b.stateDir, "volumes", "images", `${volumeKey(id, b.hostId()!)}.xfs`);
  const st = fs.statSync(image);
  expect(st.size).toBe(1024 ** 3);
  expect(st.blocks * 512).toBeLessThan(st.size / 4);
  await waitFor("the original in the recycle bin", async () => {
    const trashed = expectStatus(await member.get(`/api/v1/teams/${team}/volumes?trashed=1`), 200) as Array<{ host: string | null }>;
    return trashed.some((v) => v.host === "move-a");
  }, 30_000, 500);
  const moves = await sql<{ status: string }>(c.databaseUrl, `SELECT status::text AS status FROM "Operation" WHERE kind = 'set.move' AND "setId" = $1`, [id]);
  expect(moves).toEqual([{ status: "Succeeded" }]);
}, 300_000);

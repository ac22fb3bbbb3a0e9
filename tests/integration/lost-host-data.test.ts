import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, execIn, runningAppContainer, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { makeMember, makeTeam } from "../helpers/fixtures";

/**
 * A lost host's set whose volume holds data is not restarted empty somewhere else: it waits
 * (Pending, with the reason) until the host returns, with its file, or until an admin recovers it
 * elsewhere on purpose. Two agents on one engine stand in for two hosts; the test console
 * reschedules after 8 s.
 */
const c = consoleInfo();
let admin: Api;
let member: Api;
let engine: DockerEngine;
let a: TestAgent;
let b: TestAgent;
let team: string;
let setId: string;

async function set(): Promise<TSetView> {
  return expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
}

async function holdsData(): Promise<boolean | null> {
  const rows = await sql<{ holdsData: boolean | null }>(c.databaseUrl, `SELECT "holdsData" FROM "Volume" WHERE "setId" = $1`, [setId]);
  return rows[0]?.holdsData ?? null;
}

/** Past the test console's reschedule timeout (8 s) and a few reconcile passes. */
const PAST_RESCHEDULE_MS = 15_000;

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  [a, b] = await Promise.all([startReadyAgent(admin, c.url, "keep-a"), startReadyAgent(admin, c.url, "keep-b")]);
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 2 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
  // On A: B is cordoned while the set is placed.
  expectStatus(await admin.post(`/api/v1/hosts/${b.hostId()}/cordon`), 200);
  const app = expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "keeper",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
    }),
    201,
  ) as TAppView;
  setId = app.sets[0].id;
  await waitFor("set Running on A", async () => {
    const s = await set();
    return s.state === "Running" && s.host?.id === a.hostId() ? s : null;
  }, 90_000, 500);
  expectStatus(await admin.post(`/api/v1/hosts/${b.hostId()}/uncordon`), 200);
  const write = await execIn(engine, await runningAppContainer(engine, setId, a.hostId()!), ["sh", "-c", "echo precious > /data/ledger.txt && sync"]);
  expect(write.code, write.report).toBe(0);
  await waitFor("the volume reported as holding data", async () => (await holdsData()) === true, 30_000, 500);
});

afterAll(async () => {
  await Promise.all([a?.destroy(engine, admin), b?.destroy(engine, admin)]);
});

it("waits Pending for its lost host, then runs there again with its file when the host returns", async () => {
  await a.kill("SIGKILL");
  const waiting = await waitFor("the set held for its host", async () => {
    const s = await set();
    return s.state === "Pending" && /volume on unreachable host/.test(s.reason ?? "") ? s : null;
  }, 60_000, 500);
  expect(waiting.host?.id).toBe(a.hostId());
  await new Promise((r) => setTimeout(r, PAST_RESCHEDULE_MS));
  const still = await set();
  expect(still.state).toBe("Pending");
  expect(still.host?.id).toBe(a.hostId());
  expect(await engine.listByLabels({ [LABEL.set]: setId, [LABEL.host]: b.hostId()! })).toEqual([]);

  a.start();
  await waitFor("the set Running again on A", async () => {
    const s = await set();
    return s.state === "Running" && s.host?.id === a.hostId() ? s : null;
  }, 90_000, 500);
  const read = await execIn(engine, await runningAppContainer(engine, setId, a.hostId()!), ["cat", "/data/ledger.txt"]);
  expect(read.output.trim(), read.report).toBe("precious");
}, 240_000);

it("only an admin recovers it elsewhere, only with acceptDataLoss, audited; the old copy goes to the recycle bin when its host returns", async () => {
  await a.kill("SIGKILL");
  await waitFor("the set held for its host", async () => {
    const s = await set();
    return s.state === "Pending" && /volume on unreachable host/.test(s.reason ?? "") ? s : null;
  }, 60_000, 500);

  expectError(await member.post(`/api/v1/sets/${setId}/recover`, { acceptDataLoss: true }), 403, "FORBIDDEN");
  expectError(await admin.post(`/api/v1/sets/${setId}/recover`, {}), 400, "VALIDATION");
  expectError(await admin.post(`/api/v1/sets/${setId}/recover`, { acceptDataLoss: false }), 400, "VALIDATION");
  expect((await set()).host?.id).toBe(a.hostId());

  expectStatus(await admin.post(`/api/v1/sets/${setId}/recover`, { acceptDataLoss: true }), 200);
  const moved = await waitFor("the set Running on B", async () => {
    const s = await set();
    return s.state === "Running" && s.host?.id === b.hostId() ? s : null;
  }, 90_000, 500);
  expect(moved.host?.id).toBe(b.hostId());
  const listing = await execIn(engine, await runningAppContainer(engine, setId, b.hostId()!), ["ls", "-A", "/data"]);
  expect(listing.output.trim(), listing.report).toBe("");
  const audit = await sql<{ details: { fromHost: string; acceptDataLoss: boolean } }>(
    c.databaseUrl,
    `SELECT details FROM "AuditEvent" WHERE action = 'set.recover' AND "targetId" = $1`,
    [setId],
  );
  expect(audit).toHaveLength(1);
  expect(audit[0].details).toMatchObject({ acceptDataLoss: true });
  // A Ready host's set is not "recovered".
  expectError(await admin.post(`/api/v1/sets/${setId}/recover`, { acceptDataLoss: true }), 409, "CONFLICT");

  // A returns: its copy is removed there and its volume (with the file) lands in the team's recycle bin.
  a.start();
  await waitFor("the stale copy removed from A", async () => (await engine.listByLabels({ [LABEL.set]: setId, [LABEL.host]: a.hostId()! })).length === 0, 60_000, 500);
  await waitFor("the old volume in the recycle bin", async () => {
    const trashed = expectStatus(await member.get(`/api/v1/teams/${team}/volumes?trashed=1`), 200) as Array<{ host: string | null }>;
    return trashed.some((v) => v.host?.startsWith("keep-a")) ? trashed : null;
  }, 30_000, 500);
}, 300_000);

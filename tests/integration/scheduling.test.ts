import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

let admin: Api;
let engine: DockerEngine;
let a: TestAgent;
let b: TestAgent;
let member: Api;
let team: string;

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  [a, b] = await Promise.all([startReadyAgent(admin, c.url, "sched-a", "zone-a"), startReadyAgent(admin, c.url, "sched-b", "zone-b")]);
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 4096, diskGiB: 40, sets: 10 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await Promise.all([a?.destroy(engine, admin), b?.destroy(engine, admin)]);
});

async function app(): Promise<TAppView> {
  return expectStatus(await member.get(`/api/v1/teams/${team}/apps/web`), 200) as TAppView;
}

async function allRunning(n: number): Promise<TAppView> {
  return waitFor(`${n} sets Running`, async () => {
    const v = await app();
    return v.sets.length === n && v.sets.every((s) => s.state === "Running") ? v : null;
  }, 120_000, 500);
}

/** Each set's containers exist only on the host the console assigned it to, once. */
async function assertNoDuplicates(view: TAppView): Promise<void> {
  const hostIds = [a.hostId()!, b.hostId()!];
  for (const s of view.sets) {
    for (const h of hostIds) {
      const here = await engine.listByLabels({ [LABEL.set]: s.id, [LABEL.host]: h });
      expect(here.length, `set ${s.id} on ${h}`).toBe(h === s.host?.id ? 2 : 0);
    }
  }
}

it("spreads 2 replicas one per host, packs new ones on the only uncordoned host, and fails over a lost host", async () => {
  const created = await member.post(`/api/v1/teams/${team}/apps`, {
    name: "web",
    replicas: 2,
    size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
    containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["httpd", "-f", "-p", "8080"] }],
  });
  expectStatus(created, 201);
  let view = await allRunning(2);
  expect(new Set(view.sets.map((s) => s.host?.id))).toEqual(new Set([a.hostId(), b.hostId()]));

  // Cordon A, scale to 4: both new sets land on B.
  expectStatus(await admin.post(`/api/v1/hosts/${a.hostId()}/cordon`), 200);
  const before = new Set(view.sets.map((s) => s.id));
  expectStatus(await member.patch(`/api/v1/teams/${team}/apps/web`, { replicas: 4 }), 200);
  view = await allRunning(4);
  const added = view.sets.filter((s) => !before.has(s.id));
  expect(added.map((s) => s.host?.id)).toEqual([b.hostId(), b.hostId()]);
  expectStatus(await admin.post(`/api/v1/hosts/${a.hostId()}/uncordon`), 200);

  // Lose A: past the reschedule timeout its set moves to B and runs there.
  const onA = view.sets.find((s) => s.host?.id === a.hostId()) as TSetView;
  await a.kill("SIGKILL");
  const moved = await waitFor("set of the lost host rescheduled and Running", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${onA.id}`), 200) as TSetView;
    return s.host?.id === b.hostId() && s.state === "Running" ? s : null;
  }, 120_000, 500);
  expect(moved.ip).toBeTruthy();

  // A comes back with the stale copy; the reconciler removes it there.
  a.start();
  await waitFor("stale copy removed from the returning host", async () =>
    (await engine.listByLabels({ [LABEL.set]: onA.id, [LABEL.host]: a.hostId()! })).length === 0,
  60_000, 500);
  view = await allRunning(4);
  await assertNoDuplicates(view);

  // Scale in removes the newest sets first.
  const newest = [...view.sets].sort((x, y) => (x.createdAt < y.createdAt ? 1 : -1)).slice(0, 2).map((s) => s.id);
  expectStatus(await member.patch(`/api/v1/teams/${team}/apps/web`, { replicas: 2 }), 200);
  view = await allRunning(2);
  expect(view.sets.map((s) => s.id)).not.toEqual(expect.arrayContaining(newest));
  await waitFor("scaled-in containers gone", async () => {
    for (const id of newest) if ((await engine.listByLabels({ [LABEL.set]: id })).length) return false;
    return true;
  });
  await member.delete(`/api/v1/teams/${team}/apps/web`);
}, 400_000);

it("draining a host moves its sets to the other host, one at a time, and each runs there", async () => {
  await waitFor("both hosts Ready", async () => {
    const hosts = (await admin.get("/api/v1/hosts")).body as Array<{ id: string; status: string }>;
    return [a.hostId(), b.hostId()].every((id) => hosts.find((h) => h.id === id)?.status === "Ready");
  }, 60_000, 500);
  expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "drainme",
      replicas: 2,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["httpd", "-f", "-p", "8080"] }],
    }),
    201,
  );
  const get = async () => expectStatus(await member.get(`/api/v1/teams/${team}/apps/drainme`), 200) as TAppView;
  const before = await waitFor("2 Running", async () => {
    const v = await get();
    return v.sets.length === 2 && v.sets.every((s) => s.state === "Running") ? v : null;
  }, 90_000, 500);
  expect(new Set(before.sets.map((s) => s.host?.id)).size).toBe(2);

  const started = expectStatus(await admin.post(`/api/v1/hosts/${a.hostId()}/drain`), 202) as { operationId: string; sets: number };
  expect(started.sets).toBeGreaterThanOrEqual(1);
  const op = await waitFor("drain finished", async () => {
    const o = expectStatus(await admin.get(`/api/v1/operations/${started.operationId}`), 200) as { status: string; error: string | null };
    return o.status === "Running" ? null : o;
  }, 180_000, 500);
  expect(op).toMatchObject({ status: "Succeeded", error: null });
  const after = await get();
  for (const s of after.sets) {
    expect(s.host?.id).toBe(b.hostId());
    expect(s.state).toBe("Running");
  }
  expect(await engine.listByLabels({ [LABEL.host]: a.hostId()! })).toEqual([]);
  const hosts = (await admin.get("/api/v1/hosts")).body as Array<{ id: string; status: string }>;
  expect(hosts.find((h) => h.id === a.hostId())?.status).toBe("Cordoned");
  await member.delete(`/api/v1/teams/${team}/apps/drainme`);
}, 300_000);

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
let agent: TestAgent;
let member: Api;
let team: string;

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "returner");
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 2 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

it("a lost host whose sets found no other home takes them back when it returns: same containers, never restarted", async () => {
  // With another Ready host the set would move there instead (scheduling.test covers that).
  const hosts = (await admin.get("/api/v1/hosts")).body as Array<{ id: string; status: string; cordoned: boolean }>;
  expect(hosts.filter((h) => h.status === "Ready" && !h.cordoned).map((h) => h.id)).toEqual([agent.hostId()]);

  const app = expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "stay",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["httpd", "-f", "-p", "8080"] }],
    }),
    201,
  ) as TAppView;
  const setId = app.sets[0].id;
  const running = await waitFor("set Running", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000, 500);
  const before = new Map(
    await Promise.all(
      (await engine.listByLabels({ [LABEL.set]: setId })).map(async (c) => [c.id, (await engine.inspect(c.id))!.startedAt] as const),
    ),
  );
  expect(before.size).toBe(2);

  await agent.kill("SIGKILL");
  // Between the grace period and the reschedule timeout the set keeps its last known state, and
  // says that its host is unreachable.
  const stale = await waitFor("the set says its host is unreachable", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    return s.host?.status === "Unreachable" ? s : null;
  }, 30_000, 250);
  expect(stale.state).toBe("Running");
  const pending = await waitFor("set given up by its lost host", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    return s.state === "Pending" && s.host === null ? s : null;
  }, 60_000, 500);
  expect(pending.reason).toMatch(/unreachable|no host/i);

  agent.start();
  const back = await waitFor("set Running on its old host again", async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    return s.state === "Running" && s.host?.id === agent.hostId() ? s : null;
  }, 90_000, 500);
  expect(back.ip).toBe(running.ip);
  const after = await engine.listByLabels({ [LABEL.set]: setId });
  expect(after.map((c) => c.id).sort()).toEqual([...before.keys()].sort());
  for (const [id, startedAt] of before) expect((await engine.inspect(id))!.startedAt).toBe(startedAt);
  expect(back.containers.map((c) => c.dockerId).sort()).toEqual(expect.arrayContaining(after.filter((c) => c.labels[LABEL.role] !== "infra").map((c) => c.id)));

  await member.delete(`/api/v1/teams/${team}/apps/stay`);
}, 300_000);

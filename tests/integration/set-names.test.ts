import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAuditEvent } from "@/lib/protocol/api";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

/** A set's stable name `<app>-<n>` works wherever its id does, under /teams/{team}/apps/{app}/sets/{name}. */
const c = consoleInfo();
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let team: string;
let member: TTestUser;
let viewer: TTestUser;
let outsider: TTestUser;
let sets: TSetView[];

const named = (name: string, rest = "") => `/api/v1/teams/${team}/apps/named/sets/${name}${rest}`;

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "set-names");
  team = await makeTeam(admin);
  member = await makeMember(admin, team, "MEMBER");
  viewer = await makeMember(admin, team, "VIEWER");
  outsider = await makeMember(admin, await makeTeam(admin), "OWNER");
  const app = expectStatus(
    await member.api.post(`/api/v1/teams/${team}/apps`, {
      name: "named",
      replicas: 2,
      size: { cpu: 0.2, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "web", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sh", "-c", "trap 'exit 0' TERM; echo hello from $HOSTNAME; while :; do sleep 1; done"] }],
    }),
    201,
  ) as TAppView;
  sets = await waitFor("both sets Running", async () => {
    const views = await Promise.all(app.sets.map(async (s) => (await member.api.get(`/api/v1/sets/${s.id}`)).body as TSetView));
    return views.every((v) => v.state === "Running") ? views.sort((a, b) => a.name.localeCompare(b.name)) : null;
  }, 120_000);
}, 180_000);

afterAll(async () => {
  await member?.api.delete(`/api/v1/teams/${team}/apps/named`);
  await agent?.destroy(engine, admin);
}, 120_000);

it("reads a set, its logs, a container's logs and its metrics by name", async () => {
  const [first, second] = sets;
  expect([first.name, second.name]).toEqual(["named-0", "named-1"]);
  expect((expectStatus(await viewer.api.get(named("named-1")), 200) as TSetView).id).toBe(second.id);

  const container = await waitFor("a line in the container's logs by name", async () => {
    const res = await viewer.api.get(named("named-0", "/containers/web/logs?tail=10"));
    expect(res.status).toBe(200);
    return res.text.includes("hello from") ? res.text : null;
  }, 30_000);
  expect(container).toMatch(/ stdout hello from /);
  const merged = expectStatus(await viewer.api.get(named("named-0", "/logs?tail=10")), 200);
  expect(String(merged)).toMatch(/ web stdout hello from /);
  const byId = await viewer.api.get(`/api/v1/sets/${first.id}/metrics?range=15m`);
  const byName = await viewer.api.get(named("named-0", "/metrics?range=15m"));
  expect(byName.status).toBe(200);
  expect(Object.keys(byName.body as object).sort()).toEqual(Object.keys(byId.body as object).sort());
});

it("restarts a set by name: only that set, audited against its id", async () => {
  const [first, second] = sets;
  const before = await Promise.all(sets.map(async (s) => (await member.api.get(`/api/v1/sets/${s.id}`)).body as TSetView));
  expectStatus(await member.api.post(named("named-1", "/restart")), 200);
  const events = expectStatus(await member.api.get(`/api/v1/audit?team=${team}&action=set.restart`), 200) as TAuditEvent[];
  expect(events.map((e) => e.targetId)).toEqual([second.id]);
  // Docker restarts the containers of named-1 only.
  await waitFor("named-1 Running again", async () => ((await member.api.get(`/api/v1/sets/${second.id}`)).body as TSetView).state === "Running", 60_000);
  const untouched = (await member.api.get(`/api/v1/sets/${first.id}`)).body as TSetView;
  expect(untouched.containers.map((x) => x.dockerId)).toEqual(before[0].containers.map((x) => x.dockerId));
  expect(untouched.state).toBe("Running");
});

it("stops and starts by name; a viewer may not, and unknown names or other teams are not found", async () => {
  expectError(await viewer.api.post(named("named-0", "/stop")), 403, "FORBIDDEN");
  expectStatus(await member.api.post(named("named-0", "/stop")), 200);
  await waitFor("named-0 Stopped", async () => ((await member.api.get(named("named-0"))).body as TSetView).state === "Stopped", 60_000);
  expectStatus(await member.api.post(named("named-0", "/start")), 200);
  await waitFor("named-0 Running", async () => ((await member.api.get(named("named-0"))).body as TSetView).state === "Running", 60_000);

  for (const bad of ["named-7", "named-x", "other-0", "named--1", "named-01x"]) {
    expectError(await member.api.post(named(bad, "/restart")), 404, "NOT_FOUND");
    expectError(await member.api.get(named(bad, "/logs?tail=1")), 404, "NOT_FOUND");
  }
  expectError(await outsider.api.post(named("named-0", "/restart")), 404, "NOT_FOUND");
  expectError(await outsider.api.get(named("named-0", "/metrics")), 404, "NOT_FOUND");
});

import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { TAlert } from "@/lib/protocol/alerts";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, execIn, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

/**
 * Alert rules against a real agent and Docker. The test console runs the rules every second and
 * resolves oom_killed and crash_loop after 8 quiet seconds (tests/helpers/console.ts): "fixed"
 * means the container has run that long without another OOM kill or exit.
 */
const c = consoleInfo();
const CLEAR_SECONDS = 8;
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let member: Api;
let team: string;

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "alerts");
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 4096, diskGiB: 20, sets: 10 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

async function alerts(api: Api, path: string): Promise<TAlert[]> {
  return expectStatus(await api.get(path), 200) as TAlert[];
}

async function runningSet(app: TAppView): Promise<TSetView> {
  return waitFor(`${app.name} Running`, async () => {
    const s = expectStatus(await member.get(`/api/v1/sets/${app.sets[0].id}`), 200) as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000, 250);
}

async function dockerIdOf(setId: string, role: "infra" | "app"): Promise<string> {
  const [found] = (await engine.listByLabels({ [LABEL.set]: setId })).filter((x) => x.labels[LABEL.role] === role);
  return found.id;
}

async function createApp(name: string, command: string[]): Promise<TAppView> {
  return expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name,
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command }],
    }),
    201,
  ) as TAppView;
}

it("a process allocating past its container's memory limit raises oom_killed within 10 s; it resolves after quiet seconds", async () => {
  const app = await createApp("greedy", ["sleep", "100000"]);
  const set = await runningSet(app);
  expect(await alerts(member, `/api/v1/teams/${team}/alerts?rule=oom_killed`)).toEqual([]);

  // dd's 128 MiB buffer cannot fit in the 64 MiB limit: the kernel kills dd, the container lives on.
  const greedy = await execIn(engine, await dockerIdOf(set.id, "app"), ["dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"]);
  const killedBy = Date.now();
  expect(greedy.oomKills, greedy.report).toBeGreaterThan(0);
  const fired = await waitFor("oom_killed firing", async () => (await alerts(member, `/api/v1/teams/${team}/alerts?state=firing&rule=oom_killed`))[0], 10_000, 100);
  const seconds = (Date.now() - killedBy) / 1000;
  console.log(`[alerts] oom_killed firing ${seconds.toFixed(2)} s after the kill`);
  expect(seconds).toBeLessThan(10);
  expect(fired).toMatchObject({ rule: "oom_killed", severity: "warning", state: "firing", object: { kind: "container", name: "greedy-0/app" }, resolvedAt: null });
  expect(fired.message).toMatch(/limit 64 MiB/);
  expect(Object.keys(fired).sort()).toEqual(["firstSeenAt", "id", "lastSeenAt", "message", "object", "resolvedAt", "rule", "severity", "state"]);

  // The sweep keeps it firing (one alert, not one per sweep) until the container has been quiet.
  await new Promise((r) => setTimeout(r, 2500));
  expect(await alerts(member, `/api/v1/teams/${team}/alerts?rule=oom_killed`)).toHaveLength(1);

  const resolved = await waitFor("oom_killed resolved", async () => {
    const [a] = await alerts(member, `/api/v1/teams/${team}/alerts?rule=oom_killed`);
    return a?.state === "resolved" ? a : null;
  }, (CLEAR_SECONDS + 10) * 1000, 250);
  expect(resolved.id).toBe(fired.id);
  expect(new Date(resolved.resolvedAt ?? 0).getTime() - new Date(fired.firstSeenAt).getTime()).toBeGreaterThanOrEqual((CLEAR_SECONDS - 1) * 1000);
  expect(await alerts(member, `/api/v1/teams/${team}/alerts?state=firing&rule=oom_killed`)).toEqual([]);
  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/greedy`), 200);
}, 180_000);

it("a crash-looping container raises crash_loop; fixing what it needs resolves it", async () => {
  // Exits until /data/fixed exists: the fix is a file on the set's shared volume.
  const app = await createApp("crashy", ["sh", "-c", "test -f /data/fixed || exit 3; exec sleep 100000"]);
  const setId = app.sets[0].id;
  const fired = await waitFor("crash_loop firing", async () => (await alerts(member, `/api/v1/teams/${team}/alerts?state=firing&rule=crash_loop`))[0], 90_000, 200);
  expect(fired).toMatchObject({ rule: "crash_loop", severity: "critical", object: { kind: "container", name: "crashy-0/app" } });
  expect(fired.message).toMatch(/more than 2 restarts within 2 min/);

  const fix = await execIn(engine, await dockerIdOf(setId, "infra"), ["touch", "/data/fixed"]);
  expect(fix.code, fix.report).toBe(0);
  await waitFor("the set Running again", async () => (expectStatus(await member.get(`/api/v1/sets/${setId}`), 200) as TSetView).state === "Running", 60_000, 250);
  const resolved = await waitFor("crash_loop resolved", async () => {
    const [a] = await alerts(member, `/api/v1/teams/${team}/alerts?rule=crash_loop`);
    return a?.state === "resolved" ? a : null;
  }, (CLEAR_SECONDS + 40) * 1000, 250);
  expect(resolved.id).toBe(fired.id);
  // Still running: resolved for good, not flapping.
  await new Promise((r) => setTimeout(r, 2000));
  expect(await alerts(member, `/api/v1/teams/${team}/alerts?state=firing&rule=crash_loop`)).toEqual([]);
  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/crashy`), 200);
}, 240_000);

it("a set Degraded longer than the threshold raises set_unhealthy; starting it again resolves it", async () => {
  const app = await createApp("flaky", ["sleep", "100000"]);
  const set = await runningSet(app);
  // Stopped behind Berth's back: Docker does not restart it, the set is Degraded.
  await engine.stop(await dockerIdOf(set.id, "app"), 1);
  await waitFor("the set Degraded", async () => (expectStatus(await member.get(`/api/v1/sets/${set.id}`), 200) as TSetView).state === "Degraded", 30_000, 200);
  const degradedAt = Date.now();
  const fired = await waitFor("set_unhealthy firing", async () => (await alerts(member, `/api/v1/teams/${team}/alerts?state=firing&rule=set_unhealthy`))[0], 30_000, 200);
  // The test console's threshold is 5 s.
  expect(Date.now() - degradedAt).toBeGreaterThan(3500);
  expect(fired).toMatchObject({ severity: "critical", object: { kind: "set", id: set.id, name: "flaky-0" } });
  expect(fired.message).toMatch(/^flaky-0 is Degraded/);

  expectStatus(await member.post(`/api/v1/sets/${set.id}/start`), 200);
  await waitFor("set_unhealthy resolved", async () => (await alerts(member, `/api/v1/teams/${team}/alerts?state=resolved&rule=set_unhealthy`)).find((a) => a.id === fired.id), 60_000, 250);
  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/flaky`), 200);
}, 180_000);

it("a set volume 90 % full raises volume_near_full; freeing space resolves it", async () => {
  const app = await createApp("filler", ["sleep", "100000"]);
  const set = await runningSet(app);
  const id = await dockerIdOf(set.id, "app");
  const fill = await execIn(engine, id, ["dd", "if=/dev/zero", "of=/data/fill", "bs=1M", "count=880"]);
  expect(fill.code, fill.report).toBe(0);
  const fired = await waitFor("volume_near_full firing", async () => (await alerts(member, `/api/v1/teams/${team}/alerts?state=firing&rule=volume_near_full`))[0], 30_000, 250);
  expect(fired).toMatchObject({ severity: "warning", object: { kind: "set", id: set.id, name: "filler-0" } });
  expect(fired.message).toMatch(/^The volume of filler-0 is 9\d % full \(\d+ of \d+ MiB\)/);

  expect((await execIn(engine, id, ["rm", "/data/fill"])).code).toBe(0);
  await waitFor("volume_near_full resolved", async () => (await alerts(member, `/api/v1/teams/${team}/alerts?state=resolved&rule=volume_near_full`)).find((a) => a.id === fired.id), 30_000, 250);
  expectStatus(await member.delete(`/api/v1/teams/${team}/apps/filler`), 200);
}, 180_000);

it("a host that stops reporting raises a platform host_not_ready for admins only; it resolves when the host is back", async () => {
  const hostId = agent.hostId();
  expect(hostId).toBeTruthy();
  await agent.kill("SIGKILL");
  const fired = await waitFor("host_not_ready firing", async () =>
    (await alerts(admin, "/api/v1/alerts?state=firing&rule=host_not_ready")).find((a) => a.object.id === hostId), 30_000, 250);
  expect(fired).toMatchObject({ severity: "critical", object: { kind: "host", name: "alerts" } });
  expect(fired.message).toMatch(/Unreachable/);
  // A team's members see their team's alerts only; the platform's list is for admins.
  expect((await alerts(member, `/api/v1/teams/${team}/alerts`)).some((a) => a.rule === "host_not_ready")).toBe(false);
  expectError(await member.get("/api/v1/alerts"), 403, "FORBIDDEN");

  agent.start();
  const resolved = await waitFor("host_not_ready resolved", async () =>
    (await alerts(admin, "/api/v1/alerts?rule=host_not_ready&state=resolved")).find((a) => a.id === fired.id), 60_000, 250);
  expect(resolved.resolvedAt).toBeTruthy();
}, 120_000);

it("bad alert queries answer 400; another team's alerts 404", async () => {
  expectError(await member.get(`/api/v1/teams/${team}/alerts?state=burning`), 400, "VALIDATION");
  expectError(await member.get(`/api/v1/teams/${team}/alerts?rule=nope`), 400, "VALIDATION");
  expectError(await member.get(`/api/v1/teams/${team}/alerts?extra=1`), 400, "VALIDATION");
  const other = await makeTeam(admin);
  expectError(await member.get(`/api/v1/teams/${other}/alerts`), 404, "NOT_FOUND");
});

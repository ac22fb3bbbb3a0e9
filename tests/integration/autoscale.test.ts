import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAuditEvent, TQuotaRequest } from "@/lib/protocol/api";
import type { TAppView } from "@/lib/protocol/apps";
import type { TAutoscaleView } from "@/lib/protocol/autoscale";
import { ensureTestImage, startReadyAgent, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { loadContainer } from "../helpers/load";

/**
 * The autoscaler against a real agent on real Docker: sets of 0.1 core run the load generator
 * (tests/helpers/load.ts), whose total load is shared by however many sets the app has, so a
 * load step of 200 % of one set at a 50 % target needs 4 sets. The console runs the autoscaler
 * every second on a 5 s window (tests/helpers/console.ts).
 */
const c = consoleInfo();
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
const created: Array<{ api: Api; team: string; app: string }> = [];

const SIZE = { cpu: 0.1, memoryMiB: 32, diskGiB: 0 };
const POLICY = { minReplicas: 1, maxReplicas: 6, cpuTargetPercent: 50, scaleOutStabilizationSeconds: 2, scaleInStabilizationSeconds: 10 };

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "autoscale-a");
}, 120_000);

afterAll(async () => {
  for (const a of created) await a.api.delete(`/api/v1/teams/${a.team}/apps/${a.app}`);
  await agent?.destroy(engine, admin);
}, 120_000);

async function createLoadedApp(member: TTestUser, team: string, app: string, percent: number, loadMs: number): Promise<TAppView> {
  const res = await member.api.post(`/api/v1/teams/${team}/apps`, { name: app, replicas: 1, size: SIZE, containers: [loadContainer(app, percent, Date.now() + loadMs)] });
  created.push({ api: member.api, team, app });
  const view = expectStatus(res, 201) as TAppView;
  await waitFor(`${app} Running`, async () => ((await getApp(member, team, app)).sets[0]?.state === "Running" ? true : null), 90_000);
  return view;
}

async function getApp(member: TTestUser, team: string, app: string): Promise<TAppView> {
  return expectStatus(await member.api.get(`/api/v1/teams/${team}/apps/${app}`), 200) as TAppView;
}

const running = (a: TAppView) => a.sets.filter((s) => s.state === "Running").length;

async function scaleEvents(member: TTestUser, team: string, appId: string): Promise<TAuditEvent[]> {
  const events = expectStatus(await member.api.get(`/api/v1/audit?team=${team}&limit=200`), 200) as TAuditEvent[];
  return events.filter((e) => e.action === "app.scale" && e.targetId === appId).reverse();
}

describe("autoscale policy API", () => {
  let team: string;
  let member: TTestUser;
  let viewer: TTestUser;
  const url = () => `/api/v1/teams/${team}/apps/idle/autoscale`;

  beforeAll(async () => {
    team = await makeTeam(admin);
    member = await makeMember(admin, team, "MEMBER");
    viewer = await makeMember(admin, team, "VIEWER");
    expectStatus(await member.api.post(`/api/v1/teams/${team}/apps`, { name: "idle", replicas: 0, size: SIZE, containers: [loadContainer("idle", 0, 0)] }), 201);
    created.push({ api: member.api, team, app: "idle" });
  });

  it("refuses bad input with field errors and changes nothing", async () => {
    expectError(await member.api.get(url()), 404, "NOT_FOUND");
    const bad: Array<[unknown, string]> = [
      [{ ...POLICY, minReplicas: 4, maxReplicas: 2 }, "maxReplicas"],
      [{ ...POLICY, minReplicas: 0 }, "minReplicas"],
      [{ ...POLICY, cpuTargetPercent: 0 }, "cpuTargetPercent"],
      [{ ...POLICY, cpuTargetPercent: 101 }, "cpuTargetPercent"],
      [{ ...POLICY, memoryTargetPercent: 150 }, "memoryTargetPercent"],
      [{ ...POLICY, scaleInStabilizationSeconds: -1 }, "scaleInStabilizationSeconds"],
      [{ ...POLICY, maxReplicas: 2.5 }, "maxReplicas"],
      [{ ...POLICY, replicas: 3 }, ""],
    ];
    for (const [body, field] of bad) {
      const err = expectError(await member.api.put(url(), body), 400, "VALIDATION") as unknown as { details: { issues: Array<{ path: string }> } };
      if (field) expect(err.details.issues.map((i) => i.path), JSON.stringify(body)).toContain(field);
    }
    expectError(await member.api.get(url()), 404, "NOT_FOUND");
  });

  it("lets members set, change and switch it off, shows it in the app view, refuses viewers, and audits each change", async () => {
    expectError(await viewer.api.put(url(), POLICY), 403, "FORBIDDEN");
    const put = expectStatus(await member.api.put(url(), { ...POLICY, memoryTargetPercent: 80 }), 200) as TAutoscaleView;
    expect(put).toMatchObject({ ...POLICY, memoryTargetPercent: 80, lastDecision: null, blocked: null });
    // Defaults are HPA's: scale out at once, scale in after 5 minutes.
    const defaults = expectStatus(await member.api.put(url(), { minReplicas: 1, maxReplicas: 3, cpuTargetPercent: 70 }), 200) as TAutoscaleView;
    expect(defaults).toMatchObject({ scaleOutStabilizationSeconds: 0, scaleInStabilizationSeconds: 300, memoryTargetPercent: null });
    expect((await getApp(viewer, team, "idle")).autoscale).toMatchObject({ maxReplicas: 3, cpuTargetPercent: 70 });
    expect(expectStatus(await viewer.api.get(url()), 200)).toMatchObject({ maxReplicas: 3 });
    expectError(await viewer.api.delete(url()), 403, "FORBIDDEN");
    expectStatus(await member.api.delete(url()), 200);
    expectError(await member.api.delete(url()), 404, "NOT_FOUND");
    expect((await getApp(member, team, "idle")).autoscale).toBeNull();
    const events = expectStatus(await member.api.get(`/api/v1/audit?team=${team}`), 200) as TAuditEvent[];
    expect(events.filter((e) => e.action.startsWith("app.autoscale.")).map((e) => e.action)).toEqual(["app.autoscale.disable", "app.autoscale.update", "app.autoscale.enable"]);
    expectError(await member.api.put(`/api/v1/teams/${team}/apps/nope/autoscale`, POLICY), 404, "NOT_FOUND");
  });
});

describe("the autoscaler", () => {
  it("scales out to what a CPU load step needs within max, holds steady, and back in after the load stops, each step audited with its reason", async () => {
    const team = await makeTeam(admin);
    const member = await makeMember(admin, team, "MEMBER");
    const LOAD_MS = 80_000;
    const started = Date.now();
    const app = await createLoadedApp(member, team, "web", 200, LOAD_MS);
    const loadEnds = started + LOAD_MS;
    expectStatus(await member.api.put(`/api/v1/teams/${team}/apps/web/autoscale`, POLICY), 200);

    let most = 1;
    const outAt = await waitFor("4 Running sets", async () => {
      const a = await getApp(member, team, "web");
      most = Math.max(most, a.replicas);
      return running(a) >= 4 ? Date.now() : null;
    }, 70_000, 500);
    expect(outAt).toBeLessThan(loadEnds);
    // Holds while the load lasts: 4 sets carry 50 % each, inside the tolerance.
    while (Date.now() < loadEnds - 2000) {
      const a = await getApp(member, team, "web");
      most = Math.max(most, a.replicas);
      expect(a.replicas).toBeGreaterThanOrEqual(4);
      await new Promise((r) => setTimeout(r, 1000));
    }
    // What the load needs, plus one at most; never past max.
    expect(most).toBeLessThanOrEqual(5);
    const view = (await getApp(member, team, "web")).autoscale!;
    expect(view.current?.runningSets).toBeGreaterThanOrEqual(4);
    expect(view.current?.cpuPercent).toBeGreaterThan(30);
    // Nobody has a set page open: the leader itself holds the 1 s metric watches of the app's sets.
    const prom = String((await admin.get("/api/metrics")).body);
    const watched = Number(prom.match(/^berth_console_metrics_watched_sets (\d+)/m)?.[1] ?? 0);
    expect(watched).toBeGreaterThanOrEqual(4);

    await waitFor("back at 1 set", async () => ((await getApp(member, team, "web")).replicas === 1 ? true : null), 60_000, 500);
    const inAt = Date.now();
    // Load gone: the window (10 s) plus the measurement's lag, not minutes.
    expect(inAt - loadEnds).toBeLessThan(40_000);

    const events = await scaleEvents(member, team, app.id);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) {
      expect(e.actor).toBe("autoscaler");
      expect(e.details.reason).toMatch(/^CPU \d+ % [<>] target 50 % over \d+ s: \d+ → \d+/);
      expect(String(e.details.reason)).toContain(`${e.details.from} → ${e.details.to}`);
    }
    // No flapping: up, then down, one turn only.
    const dirs = events.map((e) => Math.sign(Number(e.details.to) - Number(e.details.from)));
    expect(dirs.filter((d, i) => i > 0 && d !== dirs[i - 1]).length).toBe(1);
    expect(dirs[0]).toBe(1);
    expect(dirs[dirs.length - 1]).toBe(-1);
    const policy = expectStatus(await member.api.get(`/api/v1/teams/${team}/apps/web/autoscale`), 200) as TAutoscaleView;
    expect(policy.lastDecision).toBe(events[events.length - 1].details.reason);
    expect(policy.blocked).toBeNull();
  }, 300_000);

  it("a scale-out blocked by quota says what it needs; approving a quota request lets it proceed", async () => {
    // Room for 2 sets of 0.1 core; the load needs 4.
    const team = await makeTeam(admin, { quota: { cpu: 0.2, memoryMiB: 1024, diskGiB: 10, sets: 10 } });
    const member = await makeMember(admin, team, "MEMBER");
    await createLoadedApp(member, team, "api", 200, 120_000);
    expectStatus(await member.api.put(`/api/v1/teams/${team}/apps/api/autoscale`, { ...POLICY, scaleInStabilizationSeconds: 300 }), 200);

    const blocked = await waitFor("blocked by quota", async () => {
      const a = expectStatus(await member.api.get(`/api/v1/teams/${team}/apps/api/autoscale`), 200) as TAutoscaleView;
      return a.blocked ? a : null;
    }, 90_000, 500);
    expect(blocked.blocked).toMatchObject({ kind: "quota", need: { cpuMillis: 200, sets: 0, memoryMiB: 0, diskGiB: 0 } });
    expect(blocked.blocked!.reason).toBe("Quota: scale-out to 4 needs 0.2 more cores");
    const app = await getApp(member, team, "api");
    expect(app.replicas).toBe(2);
    expect(app.autoscale?.blocked?.reason).toBe(blocked.blocked!.reason);

    // The quota page's request, and an admin's approval: both through the real API.
    const request = expectStatus(await member.api.post(`/api/v1/teams/${team}/quota-requests`, { cpu: 0.6, memoryMiB: 1024, diskGiB: 10, sets: 10, reason: "autoscale: needs 0.2 more cores" }), 201) as TQuotaRequest;
    // Still blocked while the request waits.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await getApp(member, team, "api")).replicas).toBe(2);
    expectStatus(await admin.post(`/api/v1/quota-requests/${request.id}/approve`, { note: "ok" }), 200);

    await waitFor("4 Running sets after approval", async () => (running(await getApp(member, team, "api")) >= 4 ? true : null), 60_000, 500);
    const after = expectStatus(await member.api.get(`/api/v1/teams/${team}/apps/api/autoscale`), 200) as TAutoscaleView;
    expect(after.blocked).toBeNull();
    expect(after.lastDecision).toMatch(/: 2 → 4$/);
    const events = await scaleEvents(member, team, app.id);
    expect(events.map((e) => [e.details.from, e.details.to])).toEqual([[1, 2], [2, 4]]);
  }, 300_000);
});

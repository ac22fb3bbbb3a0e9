import { afterAll, beforeAll, expect, it } from "vitest";
import { LABEL } from "@/lib/protocol/agent";
import type { THost } from "@/lib/protocol/api";
import type { TAppView } from "@/lib/protocol/apps";
import { TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { agentOnSecondEngine, type SecondEngine } from "../helpers/engine2";
import { makeMember, makeTeam } from "../helpers/fixtures";

/** A Docker engine that hangs (SIGSTOP) under a connected agent: the host is NotReady, gets no sets, and comes back. */
let admin: Api;
let member: Api;
let team: string;
let engine2: SecondEngine;
let agent: TestAgent;

async function host(): Promise<THost> {
  const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as THost[];
  return hosts.find((h) => h.id === agent.hostId())!;
}

async function app(name: string): Promise<TAppView> {
  return expectStatus(await member.get(`/api/v1/teams/${team}/apps/${name}`), 200) as TAppView;
}

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  ({ engine2, agent } = await agentOnSecondEngine(admin, c.url, "hangs", { BERTH_ENGINE_TIMEOUT_SECONDS: "3" }));
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 4 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
}, 300_000);

afterAll(async () => {
  engine2?.thaw();
  await member?.delete(`/api/v1/teams/${team}/apps/before`);
  await member?.delete(`/api/v1/teams/${team}/apps/during`);
  await agent?.destroy(engine2.engine(), admin);
  await engine2?.destroy();
});

it("a hung engine makes its host NotReady within 30 s while the agent stays connected; no set lands there; after SIGCONT it is Ready and nothing is duplicated", async () => {
  const spec = (name: string) => ({
    name,
    replicas: 1,
    size: { cpu: 0.25, memoryMiB: 64, diskGiB: 0 },
    containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
  });
  expectStatus(await member.post(`/api/v1/teams/${team}/apps`, spec("before")), 201);
  await waitFor("set Running", async () => (await app("before")).sets[0]?.state === "Running", 90_000, 500);
  const containersBefore = (await engine2.engine().listByLabels({ [LABEL.host]: agent.hostId()! })).map((c) => c.id).sort();

  engine2.freeze();
  const frozenAt = Date.now();
  const notReady = await waitFor("host NotReady", async () => {
    const h = await host();
    return h.status === "NotReady" ? h : null;
  }, 30_000, 500);
  expect(Date.now() - frozenAt).toBeLessThan(30_000);
  expect(notReady.statusReason).toMatch(/Docker engine not answering/);
  const health = (await (await fetch(`${consoleInfo().url}/api/health`)).json()) as { agents: { notReady: number } };
  expect(health.agents.notReady).toBeGreaterThanOrEqual(1);

  // Nothing is placed on it: with no other host, the new set waits.
  expectStatus(await member.post(`/api/v1/teams/${team}/apps`, spec("during")), 201);
  await new Promise((r) => setTimeout(r, 3000));
  const waiting = (await app("during")).sets[0];
  expect(waiting.host).toBeNull();
  expect(waiting.state).toBe("Pending");

  engine2.thaw();
  await waitFor("host Ready again", async () => (await host()).status === "Ready", 60_000, 500);
  // The waiting set lands there now, and the one from before runs in the same containers.
  await waitFor("both sets Running", async () => (await app("before")).sets[0]?.state === "Running" && (await app("during")).sets[0]?.state === "Running", 120_000, 500);
  const beforeNow = (await app("before")).sets[0];
  const ids = (await engine2.engine().listByLabels({ [LABEL.set]: beforeNow.id })).map((c) => c.id).sort();
  expect(ids).toEqual(containersBefore);
  expect(await engine2.engine().listByLabels({ [LABEL.host]: agent.hostId()! })).toHaveLength(4);
}, 300_000);

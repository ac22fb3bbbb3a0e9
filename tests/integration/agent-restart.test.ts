import { randomInt } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

const SETS = 20;
const KILLS = 10;

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let member: Api;
let team: string;

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "chaos");
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 4096, diskGiB: 100, sets: SETS } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

it(`${KILLS} SIGKILLs of the agent during ${SETS} concurrent set creates: every set Running, no duplicate, no orphan, no restart`, async () => {
  const hostId = agent.hostId()!;
  const creates = Array.from({ length: SETS }, (_, i) =>
    member.post(`/api/v1/teams/${team}/apps`, {
      name: `chaos-${i}`,
      replicas: 1,
      size: { cpu: 0.1, memoryMiB: 64, diskGiB: 1 },
      containers: [
        { index: 0, name: "app", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["httpd", "-f", "-p", "8080"] },
        { index: 1, name: "side", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["sleep", "100000"] },
      ],
    }),
  );

  // Containers seen running before each kill, with the start time Docker gave them.
  const seenRunning = new Map<string, string>();
  const killer = (async () => {
    // Kill while Docker is creating, not before the first request reached the agent.
    await waitFor("first container", async () => (await engine.listByLabels({ [LABEL.host]: hostId })).length > 0, 60_000, 50);
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 200 + randomInt(1300)));
      for (const c of await engine.listByLabels({ [LABEL.host]: hostId })) {
        if (c.state !== "running") continue;
        const i = await engine.inspect(c.id);
        if (i?.startedAt && i.state === "running") seenRunning.set(i.id, i.startedAt);
      }
      await agent.kill("SIGKILL");
      agent.start();
    }
  })();

  const apps = (await Promise.all(creates)).map((r) => expectStatus(r, 201) as TAppView);
  await killer;
  const setIds = apps.map((a) => a.sets[0].id);

  try {
    await waitFor(
      "every set Running",
      async () => {
        const states = await Promise.all(setIds.map(async (id) => ((await member.get(`/api/v1/sets/${id}`)).body as TSetView).state));
        return states.every((s) => s === "Running");
      },
      180_000,
      1000,
    );
  } catch (err) {
    const sets = await Promise.all(setIds.map(async (id) => (await member.get(`/api/v1/sets/${id}`)).body as TSetView));
    console.error(sets.filter((s) => s.state !== "Running").map((s) => `${s.id} ${s.state}: ${s.reason}`).join("\n"));
    console.error(agent.log.slice(-40).join("\n"));
    throw err;
  }

  const containers = await engine.listByLabels({ [LABEL.host]: hostId });
  // Exactly infra + 2 per set: no duplicates for a slot, nothing for sets the console doesn't know.
  expect(containers).toHaveLength(SETS * 3);
  const bySlot = new Map<string, number>();
  for (const c of containers) {
    expect(setIds).toContain(c.labels[LABEL.set]);
    expect(c.state).toBe("running");
    const slot = `${c.labels[LABEL.set]}/${c.labels[LABEL.role]}/${c.labels[LABEL.index]}`;
    bySlot.set(slot, (bySlot.get(slot) ?? 0) + 1);
  }
  expect([...bySlot.values()].every((n) => n === 1)).toBe(true);
  expect(bySlot.size).toBe(SETS * 3);

  // What ran before a kill still runs, never restarted.
  expect(seenRunning.size).toBeGreaterThan(0);
  for (const [id, startedAt] of seenRunning) {
    const i = await engine.inspect(id);
    expect(i, `container ${id} disappeared`).not.toBeNull();
    expect(i!.startedAt).toBe(startedAt);
  }

  // The console's books match: each set's containers carry the Docker ids that run.
  for (const id of setIds) {
    const s = (await member.get(`/api/v1/sets/${id}`)).body as TSetView;
    for (const c of s.containers) expect(containers.map((x) => x.id)).toContain(c.dockerId);
  }
}, 420_000);

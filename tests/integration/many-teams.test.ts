import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { contains, parseCidr, parseIp } from "@/lib/network/ipam";
import type { TAppView, TTeamNetwork } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeTeam } from "../helpers/fixtures";

const TEAMS = 41;
let admin: Api;
let engine: DockerEngine;
const agents: TestAgent[] = [];
const teams: string[] = [];

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  // Three hosts on this one engine, for CPU room: every team network still lives on one engine.
  for (const name of ["teams-a", "teams-b", "teams-c"]) agents.push(await startReadyAgent(admin, c.url, name));
});

afterAll(async () => {
  for (const t of teams) await admin.delete(`/api/v1/teams/${t}/apps/svc`);
  for (const a of agents) await a.destroy(engine, admin);
});

it(`${TEAMS} teams with one set each on one Docker engine all run, each on its own subnet from Berth's pool`, async () => {
  // Docker's default pools hold about 30 bridge networks; Berth's plan does not draw from them.
  for (let i = 0; i < TEAMS; i++) {
    const team = await makeTeam(admin, { quota: { cpu: 1, memoryMiB: 256, diskGiB: 1, sets: 1 } });
    teams.push(team);
    expectStatus(
      await admin.post(`/api/v1/teams/${team}/apps`, {
        name: "svc",
        replicas: 1,
        size: { cpu: 0.1, memoryMiB: 16, diskGiB: 0 },
        containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
      }),
      201,
    );
  }
  const views = await waitFor(`${TEAMS} sets Running`, async () => {
    const all = await Promise.all(teams.map(async (t) => expectStatus(await admin.get(`/api/v1/teams/${t}/apps/svc`), 200) as TAppView));
    return all.every((v) => v.sets[0]?.state === "Running") ? all : null;
  }, 240_000, 1000);
  const pool = parseCidr("10.224.0.0/12");
  const subnets = new Set<string>();
  for (const [i, v] of views.entries()) {
    const ip = v.sets[0].ip!;
    expect(contains(pool, parseIp(ip)), `team ${i + 1}: ${ip}`).toBe(true);
    const plan = expectStatus(await admin.get(`/api/v1/teams/${teams[i]}/network`), 200) as TTeamNetwork;
    expect(plan.subnets).toHaveLength(1);
    expect(contains(parseCidr(plan.subnets[0].cidr), parseIp(ip))).toBe(true);
    subnets.add(plan.subnets[0].cidr);
  }
  expect(subnets.size).toBe(TEAMS);
  // The bridges on the engine have exactly the planned subnets.
  const bridges = await engine.docker.listNetworks({ filters: { label: ["berth.team"] } });
  const onEngine = new Set(bridges.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet)));
  for (const s of subnets) expect(onEngine.has(s), s).toBe(true);
}, 400_000);

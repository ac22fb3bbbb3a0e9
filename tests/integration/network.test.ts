import net from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { contains, parseCidr, parseIp } from "@/lib/network/ipam";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView, TTeamNetwork } from "@/lib/protocol/apps";
import { ensureTestImage, execIn, startReadyAgent, TEST_IMAGE, TEST_IMAGE_V2, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let member: Api;
let outsider: Api;
let team: string;
let otherTeam: string;

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "network");
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 2048, diskGiB: 10, sets: 6 } });
  otherTeam = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 2048, diskGiB: 10, sets: 6 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
  outsider = (await makeMember(admin, otherTeam, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

const POOL = parseCidr("10.224.0.0/12");
const IMAGE_V2 = TEST_IMAGE_V2;

async function create(api: Api, slug: string, name: string, replicas: number, command: string[]): Promise<TAppView> {
  expectStatus(
    await api.post(`/api/v1/teams/${slug}/apps`, {
      name,
      replicas,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 0 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command }],
    }),
    201,
  );
  return waitFor(`${name}: ${replicas} sets Running`, async () => {
    const v = expectStatus(await api.get(`/api/v1/teams/${slug}/apps/${name}`), 200) as TAppView;
    return v.sets.length === replicas && v.sets.every((s) => s.state === "Running") ? v : null;
  }, 90_000, 300);
}

async function set(id: string): Promise<TSetView> {
  return expectStatus(await member.get(`/api/v1/sets/${id}`), 200) as TSetView;
}

async function appContainer(setId: string): Promise<string> {
  const [c] = (await engine.listByLabels({ [LABEL.set]: setId })).filter((x) => x.labels[LABEL.role] === "app");
  return c.id;
}

async function infraAddresses(setId: string): Promise<string[]> {
  const [c] = (await engine.listByLabels({ [LABEL.set]: setId })).filter((x) => x.labels[LABEL.role] === "infra");
  return Object.values((await engine.inspect(c.id))!.ips);
}

async function waitState(id: string, state: string): Promise<TSetView> {
  return waitFor(`set ${state}`, async () => {
    const s = await set(id);
    return s.state === state ? s : null;
  }, 60_000, 250);
}

/** The first line of an HTTP answer from the test process (loopback only). */
function httpStatusLine(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: 3000 }, () => socket.write("GET / HTTP/1.0\r\n\r\n"));
    let text = "";
    socket.on("data", (b: Buffer) => (text += b.toString("utf8")));
    socket.on("end", () => resolve(text.split("\r\n")[0]));
    socket.on("timeout", () => socket.destroy(new Error(`no answer from ${host}:${port}`)));
    socket.on("error", reject);
  });
}

/** An HTTP request with BusyBox nc (its wget crashes): the response's first line, or the failure. */
function probe(ip: string): string[] {
  return ["sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} 8080 | head -1`];
}

it("gives each set a pinned address from Berth's pool and keeps it across stop/start, agent SIGKILL, canary and rollback, and resize", async () => {
  const web = await create(member, team, "web", 2, ["httpd", "-f", "-p", "8080"]);
  const ips = web.sets.map((s) => s.ip!);
  expect(web.sets.map((s) => s.name)).toEqual(["web-0", "web-1"]);
  for (const ip of ips) expect(contains(POOL, parseIp(ip)), `${ip} in ${POOL}`).toBe(true);
  expect(new Set(ips).size).toBe(2);
  for (const s of web.sets) expect(await infraAddresses(s.id)).toEqual([s.ip]);

  // The team's plan: one subnet on this host holding both sets; another team sees only its own.
  const plan = expectStatus(await member.get(`/api/v1/teams/${team}/network`), 200) as TTeamNetwork;
  const here = plan.subnets.find((n) => n.host.id === agent.hostId())!;
  expect(here.cidr).toMatch(/\/24$/);
  for (const ip of ips) expect(contains(parseCidr(here.cidr), parseIp(ip))).toBe(true);
  expect(here.sets.map((s) => [s.name, s.ip])).toEqual([["web-0", ips[0]], ["web-1", ips[1]]]);
  expectError(await outsider.get(`/api/v1/teams/${team}/network`), 404, "NOT_FOUND");
  const byName = expectStatus(await member.get(`/api/v1/teams/${team}/apps/web/sets/web-1`), 200) as TSetView;
  expect(byName.id).toBe(web.sets[1].id);
  expectError(await member.get(`/api/v1/teams/${team}/apps/web/sets/web-9`), 404, "NOT_FOUND");

  const [first] = web.sets;
  const containerIds = async () => (await engine.listByLabels({ [LABEL.set]: first.id })).map((c) => c.id).sort();
  const idsBefore = await containerIds();
  expectStatus(await member.post(`/api/v1/sets/${first.id}/stop`, {}), 200);
  await waitState(first.id, "Stopped");
  expectStatus(await member.post(`/api/v1/sets/${first.id}/start`, {}), 200);
  expect((await waitState(first.id, "Running")).ip).toBe(ips[0]);
  expect(await infraAddresses(first.id)).toEqual([ips[0]]);
  // The same containers started again, not new ones on the same address.
  expect(await containerIds()).toEqual(idsBefore);

  await agent.kill("SIGKILL");
  agent.start();
  await waitFor("host Ready again", async () => {
    const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as Array<{ id: string; status: string }>;
    return hosts.some((h) => h.id === agent.hostId() && h.status === "Ready");
  });
  expect((await set(first.id)).ip).toBe(ips[0]);

  // A canary replaces a business container only: the infra container, and with it the address, stays.
  expectStatus(await member.post(`/api/v1/teams/${team}/apps/web/canary`, { container: "app", image: IMAGE_V2, sets: [first.id] }), 200);
  await waitFor("canary running", async () => {
    const s = await set(first.id);
    return s.state === "Running" && s.containers[0].image === IMAGE_V2 ? s : null;
  }, 60_000);
  expect((await set(first.id)).ip).toBe(ips[0]);
  expectStatus(await member.post(`/api/v1/teams/${team}/apps/web/canary/rollback`, {}), 200);
  await waitFor("canary rolled back", async () => {
    const s = await set(first.id);
    return s.state === "Running" && s.containers[0].image === TEST_IMAGE ? s : null;
  }, 60_000);
  expect(await infraAddresses(first.id)).toEqual([ips[0]]);

  expectStatus(await member.patch(`/api/v1/teams/${team}/apps/web`, { size: { cpu: 0.5, memoryMiB: 96, diskGiB: 0 } }), 200);
  const resized = await waitFor("resize applied", async () => {
    const s = await set(first.id);
    return s.state === "Running" && s.size.memoryMiB === 96 ? s : null;
  });
  expect(resized.ip).toBe(ips[0]);
  expect(await infraAddresses(first.id)).toEqual([ips[0]]);
}, 300_000);

it("<app> resolves to every Running set of the app and <app>-<n> to one; a stopped set leaves the name", async () => {
  const web = expectStatus(await member.get(`/api/v1/teams/${team}/apps/web`), 200) as TAppView;
  const [a, b] = web.sets;
  const client = await create(member, team, "client", 1, ["sleep", "100000"]);
  const from = await appContainer(client.sets[0].id);
  const lookup = async (name: string) => {
    const r = await execIn(engine, from, ["nslookup", name]);
    // nslookup prints the resolver first, then the answers.
    return (r.output.split(/Name:\s/).slice(1).join(" ").match(/\d+\.\d+\.\d+\.\d+/g) ?? []).sort();
  };
  expect(await lookup("web")).toEqual([a.ip!, b.ip!].sort());
  expect(await lookup("web-1")).toEqual([b.ip!]);
  const served = await execIn(engine, from, probe("web-0"));
  expect(served.output, served.report).toMatch(/^HTTP\/1\.[01] /);

  expectStatus(await member.post(`/api/v1/sets/${a.id}/stop`, {}), 200);
  await waitState(a.id, "Stopped");
  expect(await lookup("web")).toEqual([b.ip!]);
  expect(await lookup("web-0")).toEqual([]);
  expectStatus(await member.post(`/api/v1/sets/${a.id}/start`, {}), 200);
  await waitState(a.id, "Running");
  expect(await lookup("web")).toEqual([a.ip!, b.ip!].sort());
}, 180_000);

it("a published port answers at every set's hostAddress:hostPort, two sets on one host on different host ports, probed reachable", async () => {
  expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "pub",
      replicas: 2,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 0 },
      ports: [
        { name: "http", port: 8080, protocol: "tcp", publish: true },
        { name: "admin", port: 9090, protocol: "tcp", publish: false },
      ],
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["httpd", "-f", "-p", "8080"] }],
    }),
    201,
  );
  const pub = await waitFor("both sets Running and probed reachable", async () => {
    const v = expectStatus(await member.get(`/api/v1/teams/${team}/apps/pub`), 200) as TAppView;
    return v.sets.length === 2 && v.sets.every((s) => s.state === "Running") && v.endpoints.length === 2 && v.endpoints.every((e) => e.reachable === true) ? v : null;
  }, 90_000, 300);
  expect(pub.ports.map((p) => p.name)).toEqual(["http", "admin"]);
  const ports = pub.endpoints.map((e) => e.hostPort);
  expect(new Set(ports).size).toBe(2);
  for (const e of pub.endpoints) {
    expect(e).toMatchObject({ name: "http", port: 8080, protocol: "tcp", hostAddress: "127.0.0.1", host: "network" });
    expect(e.hostPort).toBeGreaterThanOrEqual(30000);
    expect(e.hostPort).toBeLessThanOrEqual(32767);
    expect(await httpStatusLine(e.hostAddress!, e.hostPort)).toMatch(/^HTTP\/1\.[01] /);
  }
  const one = expectStatus(await member.get(`/api/v1/sets/${pub.sets[0].id}`), 200) as TSetView;
  const { setId, set: setName, ...mine } = pub.endpoints.find((e) => e.setId === one.id)!;
  expect([setId, setName]).toEqual([one.id, one.name]);
  expect(one.endpoints).toEqual([mine]);

  // Kept across a stop/start.
  expectStatus(await member.post(`/api/v1/sets/${one.id}/stop`, {}), 200);
  await waitState(one.id, "Stopped");
  expectStatus(await member.post(`/api/v1/sets/${one.id}/start`, {}), 200);
  const again = await waitState(one.id, "Running");
  expect(again.endpoints.map((e) => e.hostPort)).toEqual(one.endpoints.map((e) => e.hostPort));
  expect(await httpStatusLine("127.0.0.1", one.endpoints[0].hostPort)).toMatch(/^HTTP\/1\.[01] /);

  // Bad ports are refused and change nothing.
  const bad = await member.post(`/api/v1/teams/${team}/apps`, {
    name: "badports",
    replicas: 1,
    size: { cpu: 0.25, memoryMiB: 64, diskGiB: 0 },
    ports: [{ name: "a", port: 80, publish: true }, { name: "b", port: 80, publish: true }],
    containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100 }],
  });
  expectError(bad, 400, "VALIDATION");
  expectError(await member.get(`/api/v1/teams/${team}/apps/badports`), 404, "NOT_FOUND");
  await member.delete(`/api/v1/teams/${team}/apps/pub`);
}, 180_000);

it("another team's set reaches none of this team's addresses; this team's sets reach each other", async () => {
  const web = expectStatus(await member.get(`/api/v1/teams/${team}/apps/web`), 200) as TAppView;
  const target = web.sets[0].ip!;
  const client = expectStatus(await member.get(`/api/v1/teams/${team}/apps/client`), 200) as TAppView;
  const friend = await execIn(engine, await appContainer(client.sets[0].id), probe(target));
  expect(friend.output, friend.report).toMatch(/^HTTP\/1\.[01] /);

  const stranger = await create(outsider, otherTeam, "stranger", 1, ["sleep", "100000"]);
  const strangerSet = expectStatus(await outsider.get(`/api/v1/sets/${stranger.sets[0].id}`), 200) as TSetView;
  expect(contains(POOL, parseIp(strangerSet.ip!))).toBe(true);
  const otherPlan = expectStatus(await outsider.get(`/api/v1/teams/${otherTeam}/network`), 200) as TTeamNetwork;
  const ownPlan = expectStatus(await member.get(`/api/v1/teams/${team}/network`), 200) as TTeamNetwork;
  expect(otherPlan.subnets.map((n) => n.cidr)).not.toContain(ownPlan.subnets[0].cidr);
  const blocked = await execIn(engine, await appContainer(strangerSet.id), probe(target));
  expect(blocked.output, blocked.report).not.toMatch(/HTTP/);
  await member.delete(`/api/v1/teams/${team}/apps/client`);
  await member.delete(`/api/v1/teams/${team}/apps/web`);
  await outsider.delete(`/api/v1/teams/${otherTeam}/apps/stranger`);
}, 180_000);

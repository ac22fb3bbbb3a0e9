import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { cgroupMounts } from "@/agent/sets/cgroup";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, TEST_IMAGE_CRASH, TEST_IMAGE_V2, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { pinnedRef } from "../helpers/registry";
import { makeMember, makeTeam } from "../helpers/fixtures";

const IMAGE_V2 = TEST_IMAGE_V2;
const IMAGE_CRASH = TEST_IMAGE_CRASH;
const MIB = 1024 * 1024;

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let member: Api;
let team: string;

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "day-two");
  team = await makeTeam(admin, { quota: { cpu: 8, memoryMiB: 8192, diskGiB: 20, sets: 10 } });
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

async function appView(name: string): Promise<TAppView> {
  return expectStatus(await member.get(`/api/v1/teams/${team}/apps/${name}`), 200) as TAppView;
}

async function allRunning(name: string): Promise<TAppView> {
  return waitFor(`${name} Running`, async () => {
    const v = await appView(name);
    return v.sets.every((s) => s.state === "Running") && v.sets.length ? v : null;
  }, 90_000, 300);
}

/** Docker's view of a set: container id, image and start time per role/index. */
async function dockerView(setId: string) {
  const out = new Map<string, { id: string; image: string; startedAt: string | null }>();
  for (const c of await engine.listByLabels({ [LABEL.set]: setId })) {
    const i = await engine.inspect(c.id);
    out.set(c.labels[LABEL.role] === "infra" ? "infra" : c.labels[LABEL.name], { id: c.id, image: i!.image, startedAt: i!.startedAt });
  }
  return out;
}

describe("canary inside a set", () => {
  const containers = [
    { index: 0, name: "app", image: TEST_IMAGE, cpu: 70, memory: 70, command: ["httpd", "-f", "-p", "8080"] },
    { index: 1, name: "side", image: TEST_IMAGE, cpu: 30, memory: 30, command: ["sleep", "100000"] },
  ];

  it("replaces one container in 1 of 2 sets; infra, IP and the other container stay; rollback and promote work", async () => {
    expectStatus(await member.post(`/api/v1/teams/${team}/apps`, { name: "shop", replicas: 2, size: { cpu: 0.5, memoryMiB: 128, diskGiB: 1 }, containers }), 201);
    const before = await allRunning("shop");
    const [a, b] = before.sets;
    const aBefore = await dockerView(a.id);
    const bBefore = await dockerView(b.id);

    const started = expectStatus(await member.post(`/api/v1/teams/${team}/apps/shop/canary`, { container: "app", image: IMAGE_V2, sets: 1 }), 200) as TAppView;
    expect(started.canary).toMatchObject({ container: "app", image: IMAGE_V2, previousImage: TEST_IMAGE, setIds: [a.id] });
    expectError(await member.post(`/api/v1/teams/${team}/apps/shop/canary`, { container: "app", image: IMAGE_V2, sets: 1 }), 409, "CONFLICT");
    const during = await allRunning("shop");
    const aDuring = await dockerView(a.id);
    expect(aDuring.get("infra")).toEqual(aBefore.get("infra"));
    expect(aDuring.get("side")).toEqual(aBefore.get("side"));
    expect(aDuring.get("app")!.image).toBe(await pinnedRef(consoleInfo().registry, IMAGE_V2));
    expect(aDuring.get("app")!.id).not.toBe(aBefore.get("app")!.id);
    expect(during.sets.find((s) => s.id === a.id)!.ip).toBe(a.ip);
    expect(await dockerView(b.id)).toEqual(bBefore);
    expect(during.sets.find((s) => s.id === a.id)!.containers.find((c) => c.name === "app")!.image).toBe(IMAGE_V2);

    expectStatus(await member.post(`/api/v1/teams/${team}/apps/shop/canary/rollback`), 200);
    const rolled = await allRunning("shop");
    expect(rolled.canary).toBeNull();
    const aRolled = await dockerView(a.id);
    expect(aRolled.get("app")!.image).toBe(await pinnedRef(consoleInfo().registry, TEST_IMAGE));
    expect(aRolled.get("infra")).toEqual(aBefore.get("infra"));

    expectStatus(await member.post(`/api/v1/teams/${team}/apps/shop/canary`, { container: "app", image: IMAGE_V2, sets: [b.id] }), 200);
    const promoted = expectStatus(await member.post(`/api/v1/teams/${team}/apps/shop/canary/promote`), 200) as TAppView;
    expect(promoted.canary).toBeNull();
    expect(promoted.containers.find((c) => c.name === "app")!.image).toBe(IMAGE_V2);
    for (const s of promoted.sets) {
      expect(s.state).toBe("Running");
      expect((await dockerView(s.id)).get("app")!.image).toBe(await pinnedRef(consoleInfo().registry, IMAGE_V2));
    }
    expect((await dockerView(b.id)).get("infra")).toEqual(bBefore.get("infra"));
    const audit = expectStatus(await member.get(`/api/v1/audit?team=${team}`), 200) as Array<{ action: string }>;
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(["app.canary.start", "app.canary.rollback", "app.canary.promote"]));
  }, 240_000);

  it("an always-crashing canary image rolls back by itself", async () => {
    const v = await allRunning("shop");
    const target = v.sets[0];
    expectStatus(await member.post(`/api/v1/teams/${team}/apps/shop/canary`, { container: "app", image: IMAGE_CRASH, sets: [target.id] }), 200);
    const back = await waitFor("automatic rollback", async () => {
      const now = await appView("shop");
      return now.canary === null ? now : null;
    }, 120_000, 500);
    expect(back.sets.find((s) => s.id === target.id)!.containers.find((c) => c.name === "app")!.image).toBe(IMAGE_V2);
    await allRunning("shop");
    // The rollback's apply runs after the canary is cleared (and a crash-looping container is
    // Running between two exits): wait for Docker, not only for the set's row.
    const v2 = await pinnedRef(consoleInfo().registry, IMAGE_V2);
    await waitFor("the previous image back in Docker", async () => (await dockerView(target.id)).get("app")?.image === v2, 60_000, 500);
    const audit = expectStatus(await member.get(`/api/v1/audit?team=${team}`), 200) as Array<{ action: string; actor: string; details: { why?: string } }>;
    const auto = audit.find((e) => e.action === "app.canary.rollback" && e.actor.includes("watchdog"));
    expect(auto?.details.why).toMatch(/exited/);
    await member.delete(`/api/v1/teams/${team}/apps/shop`);
  }, 240_000);
});

describe("online resize", () => {
  function containerCgroup(setId: string, id: string) {
    const m = cgroupMounts();
    const read = (root: string | undefined, file: string) => Number(fs.readFileSync(`${root}/berth/${setId}/${id}/${file}`, "utf8"));
    return { cpuQuotaUs: read(m.cpu, "cpu.cfs_quota_us"), memoryBytes: read(m.memory, "memory.limit_in_bytes") };
  }

  it("1 → 2 cores and 256 → 512 MiB change running containers' cgroups without a restart, and survive a restart", async () => {
    expectStatus(
      await member.post(`/api/v1/teams/${team}/apps`, {
        name: "grow",
        replicas: 1,
        size: { cpu: 1, memoryMiB: 256, diskGiB: 1 },
        containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["httpd", "-f", "-p", "8080"] }],
      }),
      201,
    );
    const [set] = (await allRunning("grow")).sets;
    const id = set.containers[0].dockerId!;
    const startedBefore = (await engine.inspect(id))!.startedAt;
    expect(containerCgroup(set.id, id)).toEqual({ cpuQuotaUs: 50_000, memoryBytes: 128 * MIB });

    const resized = expectStatus(await member.patch(`/api/v1/teams/${team}/apps/grow`, { size: { cpu: 2, memoryMiB: 512, diskGiB: 1 } }), 200) as TAppView;
    expect(resized.size).toEqual({ cpu: 2, memoryMiB: 512, diskGiB: 1 });
    expect(containerCgroup(set.id, id)).toEqual({ cpuQuotaUs: 100_000, memoryBytes: 256 * MIB });
    const after = await engine.inspect(id);
    expect(after!.startedAt).toBe(startedBefore);
    expect(after!.id).toBe(id);
    const s = expectStatus(await member.get(`/api/v1/sets/${set.id}`), 200) as TSetView;
    expect(s.containers[0].limits).toEqual({ cpu: 1, memoryBytes: 256 * MIB });

    await engine.docker.getContainer(id).restart({ t: 2 });
    const restarted = await engine.inspect(id);
    expect(restarted!.startedAt).not.toBe(startedBefore);
    expect(containerCgroup(set.id, id)).toEqual({ cpuQuotaUs: 100_000, memoryBytes: 256 * MIB });

    expectError(await member.patch(`/api/v1/teams/${team}/apps/grow`, { size: { cpu: 64, memoryMiB: 512, diskGiB: 1 } }), 422, "QUOTA_EXCEEDED");
    expectError(await member.patch(`/api/v1/teams/${team}/apps/grow`, { size: { cpu: 1, memoryMiB: 512, diskGiB: 0 } }), 400, "VALIDATION");
    await member.delete(`/api/v1/teams/${team}/apps/grow`);
  }, 180_000);

  it("new percents for one container change its cgroup in place; the other container and the set size stay", async () => {
    expectStatus(
      await member.post(`/api/v1/teams/${team}/apps`, {
        name: "share",
        replicas: 1,
        size: { cpu: 1, memoryMiB: 256, diskGiB: 1 },
        containers: [
          { index: 0, name: "app", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["httpd", "-f", "-p", "8080"] },
          { index: 1, name: "side", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["sleep", "100000"] },
        ],
      }),
      201,
    );
    const [set] = (await allRunning("share")).sets;
    const [app, side] = set.containers.map((c) => c.dockerId!);
    const started = (await engine.inspect(app))!.startedAt;
    const auditBefore = (expectStatus(await member.get(`/api/v1/audit?team=${team}`), 200) as unknown[]).length;

    // Refused changes change nothing: memory past 100 %, an unknown or repeated name, an empty change.
    const refused = [
      { containers: [{ name: "app", memory: 60 }] },
      { containers: [{ name: "nope", cpu: 10 }] },
      { containers: [{ name: "app", cpu: 10 }, { name: "app", cpu: 20 }] },
      { containers: [{ name: "app" }] },
      { containers: [{ name: "app", cpu: 0 }] },
    ];
    for (const body of refused) expectError(await member.patch(`/api/v1/teams/${team}/apps/share`, body), 400, "VALIDATION");
    expect(containerCgroup(set.id, app)).toEqual({ cpuQuotaUs: 50_000, memoryBytes: 128 * MIB });
    expect((expectStatus(await member.get(`/api/v1/audit?team=${team}`), 200) as unknown[]).length).toBe(auditBefore);

    const resized = expectStatus(
      await member.patch(`/api/v1/teams/${team}/apps/share`, { containers: [{ name: "app", cpu: 80, memory: 30 }] }),
      200,
    ) as TAppView;
    expect(resized.size).toEqual({ cpu: 1, memoryMiB: 256, diskGiB: 1 });
    expect(resized.containers.map((c) => [c.name, c.cpu, c.memory])).toEqual([["app", 80, 30], ["side", 50, 50]]);
    expect(containerCgroup(set.id, app)).toEqual({ cpuQuotaUs: 80_000, memoryBytes: Math.floor(256 * 0.3) * MIB });
    expect(containerCgroup(set.id, side)).toEqual({ cpuQuotaUs: 50_000, memoryBytes: 128 * MIB });
    expect((await engine.inspect(app))!.startedAt).toBe(started);
    const s = expectStatus(await member.get(`/api/v1/sets/${set.id}`), 200) as TSetView;
    expect(s.containers[0].limits).toEqual({ cpu: 0.8, memoryBytes: Math.floor(256 * 0.3) * MIB });

    // Resize and scale in one request are one change: the resize fits the quota, the scale-out
    // after it does not (10 sets allowed), so neither happens.
    const auditNow = (expectStatus(await member.get(`/api/v1/audit?team=${team}`), 200) as unknown[]).length;
    expectError(
      await member.patch(`/api/v1/teams/${team}/apps/share`, { size: { cpu: 0.75, memoryMiB: 256, diskGiB: 1 }, containers: [{ name: "side", cpu: 20 }], replicas: 11 }),
      422,
      "QUOTA_EXCEEDED",
    );
    const unchanged = expectStatus(await member.get(`/api/v1/teams/${team}/apps/share`), 200) as TAppView;
    expect(unchanged.size).toEqual({ cpu: 1, memoryMiB: 256, diskGiB: 1 });
    expect(unchanged.replicas).toBe(1);
    expect(unchanged.containers.map((c) => [c.name, c.cpu, c.memory])).toEqual([["app", 80, 30], ["side", 50, 50]]);
    expect(containerCgroup(set.id, app)).toEqual({ cpuQuotaUs: 80_000, memoryBytes: Math.floor(256 * 0.3) * MIB });
    expect((expectStatus(await member.get(`/api/v1/audit?team=${team}`), 200) as unknown[]).length).toBe(auditNow);
    // Both together, within quota: the new set starts with the new size and shares.
    const both = expectStatus(
      await member.patch(`/api/v1/teams/${team}/apps/share`, { size: { cpu: 0.75, memoryMiB: 256, diskGiB: 1 }, containers: [{ name: "side", cpu: 20 }], replicas: 2 }),
      200,
    ) as TAppView;
    expect(both.sets).toHaveLength(2);
    const grown = await allRunning("share");
    for (const x of grown.sets) {
      expect(x.size.cpu).toBe(0.75);
      expect(x.containers.find((c) => c.name === "side")!.limits.cpu).toBe(0.15);
    }
    await member.delete(`/api/v1/teams/${team}/apps/share`);
  }, 180_000);
});

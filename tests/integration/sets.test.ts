import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { readSetCgroup } from "@/agent/sets/cgroup";
import { volumeKey } from "@/agent/sets/manager";
import { XfsVolumes } from "@/agent/volumes/xfs";
import path from "node:path";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

const MIB = 1024 * 1024;

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let team: string;
let teamId: string;
let member: Api;

function nsInode(pid: number, ns: "net" | "ipc"): string {
  return fs.readlinkSync(`/proc/${pid}/ns/${ns}`);
}

async function waitRunning(api: Api, setId: string, timeoutMs = 90_000): Promise<TSetView> {
  return waitFor(`set ${setId} Running`, async () => {
    const s = (await api.get(`/api/v1/sets/${setId}`)).body as TSetView;
    if (s.state === "Failed") throw new Error(`set failed: ${s.reason}`);
    return s.state === "Running" ? s : null;
  }, timeoutMs);
}

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "sets-a");
  team = await makeTeam(admin, { quota: { cpu: 8, memoryMiB: 8192, diskGiB: 20, sets: 10 } });
  teamId = ((await admin.get(`/api/v1/teams/${team}`)).body as { id: string }).id;
  member = (await makeMember(admin, team, "MEMBER")).api;
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

describe("a 3-container set on a real Docker engine", () => {
  let app: TAppView;
  let set: TSetView;

  it("is created through the API and runs", async () => {
    const res = await member.post(`/api/v1/teams/${team}/apps`, {
      name: "web",
      replicas: 1,
      size: { cpu: 2, memoryMiB: 512, diskGiB: 1 },
      containers: [
        { index: 0, name: "app", image: TEST_IMAGE, cpu: 80, memory: 70, env: { GREETING: "hello" },
          command: ["sh", "-c", "echo $GREETING > /data/from-app; httpd -f -p 8080"] },
        { index: 1, name: "sidecar", image: TEST_IMAGE, cpu: 40, memory: 30,
          command: ["sh", "-c", "while [ ! -f /data/from-app ]; do sleep 0.1; done; cat /data/from-app > /data/seen-by-sidecar; exec sleep 100000"] },
      ],
    });
    app = expectStatus(res, 201) as TAppView;
    expect(app.sets).toHaveLength(1);
    set = await waitRunning(member, app.sets[0].id);
    expect(set.host?.id).toBe(agent.hostId());
    expect(set.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(set.containers.map((c) => c.state)).toEqual(["Running", "Running"]);
  });

  it("shares the infra container's network and IPC namespaces and its volume", async () => {
    const containers = await engine.listByLabels({ [LABEL.set]: set.id });
    expect(containers).toHaveLength(3);
    const inspected = await Promise.all(containers.map((c) => engine.inspect(c.id)));
    const infra = inspected.find((i) => i?.labels[LABEL.role] === "infra");
    const apps = inspected.filter((i) => i?.labels[LABEL.role] === "app");
    expect(infra?.pid).toBeGreaterThan(0);
    for (const a of apps) {
      expect(nsInode(a!.pid, "net")).toBe(nsInode(infra!.pid, "net"));
      expect(nsInode(a!.pid, "ipc")).toBe(nsInode(infra!.pid, "ipc"));
      expect(a!.hostConfig.NetworkMode).toBe(`container:${infra!.id}`);
    }
    // The sidecar read what the app wrote into the set's volume.
    const mount = new XfsVolumes(path.join(agent.stateDir, "volumes")).mountPath(volumeKey(set.id, agent.hostId()!));
    const seen = await waitFor("sidecar saw the app's file", async () => {
      const f = `${mount}/seen-by-sidecar`;
      return fs.existsSync(f) && fs.readFileSync(f, "utf8").trim();
    });
    expect(seen).toBe("hello");
  });

  it("limits each container to percent × size and the set to its size", async () => {
    for (const c of set.containers) {
      const i = await engine.inspect(c.dockerId!);
      const spec = app.containers.find((x) => x.name === c.name)!;
      expect(i!.hostConfig.NanoCpus).toBe(2 * 1e9 * (spec.cpu / 100));
      expect(i!.hostConfig.Memory).toBe(Math.floor((512 * spec.memory) / 100) * MIB);
      expect(i!.hostConfig.CgroupParent).toBe(`/berth/${set.id}`);
    }
    // 80 % + 40 % of CPU is more than the set has; the parent cgroup still holds it to 2 cores.
    expect(readSetCgroup(set.id)).toEqual({ cpuQuotaUs: 200_000, cpuPeriodUs: 100_000, memoryBytes: 512 * MIB });
  });

  it("stops infra last and starts it first, and reports Stopped then Running", async () => {
    const stopped = expectStatus(await member.post(`/api/v1/sets/${set.id}/stop`), 200) as TSetView;
    expect(stopped.state).toBe("Stopped");
    const running = expectStatus(await member.post(`/api/v1/sets/${set.id}/start`), 200) as TSetView;
    expect(running.state).toBe("Running");
  });

  it("follows Docker's events: a killed business container makes the set Degraded", async () => {
    const sidecar = set.containers.find((c) => c.name === "sidecar")!;
    const current = (await member.get(`/api/v1/sets/${set.id}`)).body as TSetView;
    await engine.docker.getContainer(current.containers.find((c) => c.name === "sidecar")!.dockerId!).kill();
    const degraded = await waitFor("Degraded", async () => {
      const s = (await member.get(`/api/v1/sets/${set.id}`)).body as TSetView;
      return s.state === "Degraded" ? s : null;
    }, 15_000);
    expect(degraded.reason).toContain(sidecar.name);
    await member.post(`/api/v1/sets/${set.id}/restart`);
    await waitRunning(member, set.id);
  });

  it("is removed with its app, leaving no container behind", async () => {
    expectStatus(await member.delete(`/api/v1/teams/${team}/apps/web`), 200);
    await waitFor("containers gone", async () => (await engine.listByLabels({ [LABEL.set]: set.id })).length === 0);
    expectError(await member.get(`/api/v1/sets/${set.id}`), 404, "NOT_FOUND");
  });
});

describe("refused before anything reaches Docker", () => {
  const base = {
    replicas: 1,
    size: { cpu: 1, memoryMiB: 128, diskGiB: 1 },
  };
  const container = { index: 0, name: "app", image: TEST_IMAGE, cpu: 50, memory: 50 };
  const matrix: Array<[string, Record<string, unknown>]> = [
    ["privileged", { privileged: true }],
    ["cap add", { capAdd: ["SYS_ADMIN"] }],
    ["devices", { devices: ["/dev/sda:/dev/sda"] }],
    ["host pid", { pidMode: "host" }],
    ["host ipc", { ipcMode: "host" }],
    ["host network", { networkMode: "host" }],
    ["host uts", { utsMode: "host" }],
    ["binds", { binds: ["/:/host"] }],
    ["bind mounts", { mounts: [{ type: "bind", source: "/", target: "/host" }] }],
    ["volume driver options", { volumeDriver: "local", volumeOptions: { type: "nfs", o: "addr=1.2.3.4" } }],
    ["security opts", { securityOpt: ["seccomp=unconfined"] }],
    ["raw HostConfig", { HostConfig: { Privileged: true } }],
  ];

  it.each(matrix)("%s → 400 with the field named, and no container", async (label, extra) => {
    const name = `bad-${label.replace(/\W+/g, "-")}`.slice(0, 40);
    const res = await member.post(`/api/v1/teams/${team}/apps`, { ...base, name, containers: [{ ...container, ...extra }] });
    const error = expectError(res, 400, "VALIDATION");
    const key = Object.keys(extra)[0];
    expect(JSON.stringify(error.details)).toContain(key);
    expectError(await member.get(`/api/v1/teams/${team}/apps/${name}`), 404, "NOT_FOUND");
    expect(await engine.listByLabels({ [LABEL.team]: teamId })).toEqual([]);
  });

  it("an image reference outside Docker's grammar → 400", async () => {
    const res = await member.post(`/api/v1/teams/${team}/apps`, { ...base, name: "bad-image", containers: [{ ...container, image: "UPPER/Case;rm -rf" }] });
    expectError(res, 400, "VALIDATION");
  });

  it("a VIEWER cannot create apps (403)", async () => {
    const viewer = (await makeMember(admin, team, "VIEWER")).api;
    const res = await viewer.post(`/api/v1/teams/${team}/apps`, { ...base, name: "viewer-app", containers: [container] });
    expectError(res, 403, "FORBIDDEN");
  });
});

describe("an image that is not in the registry", () => {
  it("is refused with a field error and nothing is created", async () => {
    const res = await member.post(`/api/v1/teams/${team}/apps`, {
      name: "missing-image",
      replicas: 1,
      size: { cpu: 0.5, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: `${team}/does-not-exist:404`, cpu: 50, memory: 50 }],
    });
    const err = expectError(res, 400, "VALIDATION");
    expect(JSON.stringify(err)).toContain("containers.0.image");
    expect(JSON.stringify(err)).toContain(`${team}/does-not-exist:404 is not in the registry`);
    expectError(await member.get(`/api/v1/teams/${team}/apps/missing-image`), 404, "NOT_FOUND");
  });
});

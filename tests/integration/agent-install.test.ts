import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView } from "@/lib/protocol/apps";
import { enrollmentToken, ensureTestImage, TestAgent, TEST_IMAGE, waitFor } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam } from "../helpers/fixtures";

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent | undefined;
let scriptDir: string;
let script: string;
let bundle: Buffer;
let bundleVersion: string;

beforeAll(async () => {
  const c = consoleInfo();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-install-"));
  const res = await fetch(`${c.url}/api/v1/agent/install.sh`);
  expect(res.status).toBe(200);
  script = await res.text();
  fs.writeFileSync(path.join(scriptDir, "install.sh"), script);
  const dl = await fetch(`${c.url}/api/v1/agent/download`);
  expect(dl.status).toBe(200);
  bundle = Buffer.from(await dl.arrayBuffer());
  expect(createHash("sha256").update(bundle).digest("hex")).toBe(dl.headers.get("x-checksum-sha256"));
  bundleVersion = dl.headers.get("x-berth-agent-version") ?? "";
  expect(bundleVersion).toMatch(/^\d+\.\d+\.\d+\+/);
  expect(script).toContain(`AGENT_SHA256='${dl.headers.get("x-checksum-sha256")}'`);
});

function run(cmd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

afterAll(async () => {
  await agent?.destroy(engine, admin);
  fs.rmSync(scriptDir, { recursive: true, force: true });
});

it("refuses a corrupted download by its checksum and installs nothing", async () => {
  // A server that hands out the bundle with one byte changed, in place of the console.
  const corrupted = Buffer.from(bundle);
  corrupted[corrupted.length >> 1] ^= 0xff;
  const server: Server = createServer((_req, res) => res.end(corrupted));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const bad = path.join(scriptDir, "install-corrupted.sh");
    fs.writeFileSync(bad, script.replace(/^CONSOLE_URL=.*$/m, `CONSOLE_URL='${url}'`));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-install-bad-"));
    // Not spawnSync: the server above answers from this process's event loop.
    const r = await run("sh", [bad, "--foreground", "--dir", dir, "--token", "x".repeat(20)]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/checksum mismatch/);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    server.close();
  }
});

it("refuses options it does not know and zones it cannot use, before touching anything", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-install-opt-"));
  const unknown = spawnSync("sh", [path.join(scriptDir, "install.sh"), "--dir", dir, "--privileged"], { encoding: "utf8" });
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toMatch(/unknown option --privileged/);
  const zone = spawnSync("sh", [path.join(scriptDir, "install.sh"), "--dir", dir, "--zone", "a;rm -rf /"], { encoding: "utf8" });
  expect(zone.status).toBe(1);
  expect(zone.stderr).toMatch(/--zone takes letters/);
  expect(fs.readdirSync(dir)).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});

it("enrolls a host from the served install.sh --foreground, running the bundle outside any checkout, and runs a set there", async () => {
  const c = consoleInfo();
  agent = new TestAgent(c.url, "installed", await enrollmentToken(admin, "room-i"), "room-i", path.join(scriptDir, "install.sh"));
  agent.start();
  const host = await waitFor("installed host Ready", async () => {
    const id = agent!.hostId();
    const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as Array<{ id: string; name: string; status: string; zone: string; agentVersion: string }>;
    return id ? hosts.find((h) => h.id === id && h.status === "Ready") : null;
  }, 90_000, 500);
  expect(host).toMatchObject({ name: "installed", zone: "room-i" });
  expect(host.agentVersion).toBe(bundleVersion);

  // What the installer left: the bundle, the runner, agent.env readable by its owner alone.
  expect(fs.readFileSync(path.join(agent.stateDir, "berth-agent.cjs")).equals(bundle)).toBe(true);
  expect(fs.statSync(path.join(agent.stateDir, "agent.env")).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(path.join(agent.stateDir, "agent.env"), "utf8")).toContain(`BERTH_CONSOLE_URL=${c.url}`);
  const ps = spawnSync("ps", ["-o", "args=", "--ppid", String(agent.pid)], { encoding: "utf8" });
  expect(ps.stdout).toContain(path.join(agent.stateDir, "berth-agent.cjs"));
  expect(ps.stdout).not.toMatch(/tsx/);

  const team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 2 } });
  const member = (await makeMember(admin, team, "MEMBER")).api;
  expectStatus(
    await member.post(`/api/v1/teams/${team}/apps`, {
      name: "on-installed",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
    }),
    201,
  );
  const running = await waitFor("set Running on the installed host", async () => {
    const v = expectStatus(await member.get(`/api/v1/teams/${team}/apps/on-installed`), 200) as TAppView;
    return v.sets[0]?.state === "Running" ? v : null;
  }, 90_000, 500);
  expect(running.sets[0].host?.id).toBe(agent.hostId());
  await member.delete(`/api/v1/teams/${team}/apps/on-installed`);
}, 240_000);

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execCapture } from "@/agent/docker/exec";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { STREAM_LIMITS } from "@/lib/protocol/streams";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { TermClient } from "../helpers/terminal";

const c = consoleInfo();
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let team: string;
let member: TTestUser;
let viewer: TTestUser;
let set: TSetView;
let otherSet: TSetView;
const clients: TermClient[] = [];
// BusyBox ash's prompt, possibly followed by its cursor-position query (a real xterm answers it).
const PROMPT = /\/ # /;

async function client(user: TTestUser): Promise<TermClient> {
  const t = await TermClient.connect(c.url, user.token);
  clients.push(t);
  return t;
}

async function runningSet(api: Api, teamSlug: string, name: string): Promise<TSetView> {
  const res = await api.post(`/api/v1/teams/${teamSlug}/apps`, {
    name,
    replicas: 1,
    size: { cpu: 1, memoryMiB: 256, diskGiB: 1 },
    containers: [
      { index: 0, name: "app", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["sleep", "1000000"] },
      { index: 1, name: "worker", image: TEST_IMAGE, cpu: 50, memory: 50, command: ["sleep", "1000000"] },
    ],
  });
  const app = expectStatus(res, 201) as TAppView;
  return waitFor(`set of ${name} Running`, async () => {
    const s = (await api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
    if (s.state === "Failed") throw new Error(`set failed: ${s.reason}`);
    return s.state === "Running" ? s : null;
  }, 90_000);
}

function dockerIdOf(s: TSetView, name: string): string {
  const id = s.containers.find((x) => x.name === name)?.dockerId;
  if (!id) throw new Error(`no docker id for ${name}`);
  return id;
}

/** Processes in the container that belong to terminal session `sessionId`, read through the engine. */
async function sessionProcesses(containerId: string, sessionId: string): Promise<string[]> {
  const r = await execCapture(engine, containerId, [
    "/bin/sh", "-c",
    'for p in /proc/[0-9]*; do if tr "\\0" "\\n" < $p/environ 2>/dev/null | grep -qxF "BERTH_EXEC_SESSION=$SID"; then echo "${p#/proc/} $(tr "\\0" " " < $p/cmdline)"; fi; done',
  ], { env: [`SID=${sessionId}`] });
  return r.stdout.split("\n").filter(Boolean);
}

/** Docker's own view: TTY execs of the container that still run. */
async function runningTtyExecs(containerId: string): Promise<number> {
  const info = await engine.docker.getContainer(containerId).inspect();
  let n = 0;
  for (const id of info.ExecIDs ?? []) {
    const e = await engine.docker.getExec(id).inspect().catch(() => null);
    if (e?.Running && e.ProcessConfig.tty) n++;
  }
  return n;
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "term-a");
  team = await makeTeam(admin, { quota: { cpu: 8, memoryMiB: 8192, diskGiB: 20, sets: 10 } });
  member = await makeMember(admin, team, "MEMBER");
  viewer = await makeMember(admin, team, "VIEWER");
  const other = await makeTeam(admin, { quota: { cpu: 8, memoryMiB: 8192, diskGiB: 20, sets: 10 } });
  const otherMember = await makeMember(admin, other, "MEMBER");
  [set, otherSet] = await Promise.all([runningSet(member.api, team, "shell"), runningSet(otherMember.api, other, "theirs")]);
});

afterAll(async () => {
  for (const t of clients) t.disconnect();
  await agent?.destroy(engine, admin);
});

describe("terminal sessions over /ui", () => {
  it("runs a shell in a business container: `echo hello` answers hello, binary input works", async () => {
    const t = await client(member);
    const id = await t.openOk(set.id, "app");
    await t.expectOutput(id, PROMPT);
    // The shell's first prompt never reaches the browser before the session id does.
    expect(t.earlyOutput).toBe(0);
    t.send(id, "echo hello\n");
    await t.expectOutput(id, /\nhello\r?\n/);
    t.send(id, Buffer.from("echo b$((1+1))n\n"));
    await t.expectOutput(id, /\nb2n\r?\n/);
    t.close(id);
    expect((await t.exitOf(id)).reason).toMatch(/closed by the user/i);
  });

  it("`stty size` follows the open size and every resize; out-of-range sizes are ignored", async () => {
    const t = await client(member);
    const id = await t.openOk(set.id, "worker", 100, 30);
    t.send(id, "stty size\n");
    await t.expectOutput(id, /\n30 100\r?\n/);
    t.resize(id, 132, 43);
    await new Promise((r) => setTimeout(r, 300));
    let from = t.output(id).length;
    t.send(id, "stty size\n");
    await t.expectOutput(id, /\n43 132\r?\n/, from);
    t.resize(id, STREAM_LIMITS.cols + 1, 10);
    t.resize(id, 0, 10);
    await new Promise((r) => setTimeout(r, 300));
    from = t.output(id).length;
    t.send(id, "stty size\n");
    await t.expectOutput(id, /\n43 132\r?\n/, from);
    t.close(id);
  });

  it("refuses the infra container, a missing one and another team's with one and the same answer", async () => {
    const t = await client(member);
    const infra = await t.open(set.id, "infra");
    const missing = await t.open(set.id, "nope");
    const foreign = await t.open(otherSet.id, "app");
    const noSet = await t.open("cnosuchset000000000000000", "app");
    const refusal = { ok: false, error: { code: "NOT_FOUND", message: "Container not found" } };
    expect([infra, missing, foreign, noSet]).toEqual([refusal, refusal, refusal, refusal]);
  });

  it("refuses a VIEWER, and malformed or oversized requests", async () => {
    const t = await client(viewer);
    expect(await t.open(set.id, "app")).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const m = await client(member);
    expect(await m.open(set.id, "app", 0, 24)).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    expect(await m.open(set.id, "app", 80, 100_000)).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
  });

  it("closing the socket ends the session and leaves no exec process in the container", async () => {
    const containerId = dockerIdOf(set, "app");
    const t = await client(member);
    const baseline = await runningTtyExecs(containerId);
    const id = await t.openOk(set.id, "app");
    t.send(id, "sleep 4242\n");
    await waitFor("sleep 4242 running", async () => (await sessionProcesses(containerId, id)).some((p) => p.includes("sleep 4242")), 10_000);
    expect(await runningTtyExecs(containerId)).toBe(baseline + 1);
    t.disconnect();
    await waitFor("no session process left", async () => (await sessionProcesses(containerId, id)).length === 0, 10_000);
    await waitFor("its TTY exec no longer running", async () => (await runningTtyExecs(containerId)) <= baseline, 10_000);
    const ps = await execCapture(engine, containerId, ["ps"]);
    expect(ps.stdout).not.toContain("sleep 4242");
  });

  it("audits every session start and end", async () => {
    const t = await client(member);
    const id = await t.openOk(set.id, "app");
    t.close(id);
    await t.exitOf(id);
    const rows = await waitFor("audit rows", async () => {
      const res = await admin.get(`/api/v1/audit?team=${team}&limit=200`);
      const events = res.body as Array<{ action: string; actor: string; targetId: string; details: Record<string, unknown> }>;
      const mine = events.filter((e) => e.details.sessionId === id);
      return mine.length === 2 ? mine : null;
    });
    expect(rows.map((r) => r.action).sort()).toEqual(["terminal.end", "terminal.start"]);
    for (const r of rows) expect(r).toMatchObject({ actor: `${member.email} (token)`, targetId: set.id, details: { container: "app" } });
    expect(rows.find((r) => r.action === "terminal.end")?.details).toMatchObject({ reason: "Closed by the user" });
  });

  it("a reader that stops acknowledging pauses the shell instead of buffering its output", async () => {
    const t = await client(member);
    const id = await t.openOk(set.id, "worker");
    await t.expectOutput(id, PROMPT);
    t.holdAcks = true;
    const before = t.received;
    t.send(id, "yes berth-flow-control\n");
    await new Promise((r) => setTimeout(r, 2000));
    const stalled = t.received - before;
    await new Promise((r) => setTimeout(r, 1000));
    // The window (plus the chunk that crossed it) and nothing more arrived while acks were held.
    expect(t.received - before).toBe(stalled);
    expect(stalled).toBeLessThanOrEqual(STREAM_LIMITS.outputWindowBytes + 64 * 1024);
    t.releaseAcks();
    await t.until("output flows again", () => t.received - before > stalled + STREAM_LIMITS.outputWindowBytes, 10_000);
    t.send(id, "\x03");
    t.close(id);
  });

  it("input to a program that does not read it is dropped with a notice once the in-flight bound is hit", async () => {
    const t = await client(member);
    const id = await t.openOk(set.id, "worker");
    await t.expectOutput(id, PROMPT);
    // `sleep` never reads stdin; the TTY's input queue fills and the agent's writes stop completing.
    t.send(id, "stty -icanon; sleep 60\n");
    await new Promise((r) => setTimeout(r, 500));
    const chunk = "x".repeat(STREAM_LIMITS.inputBytes - 16);
    for (let i = 0; i < 40; i++) t.send(id, chunk);
    await t.expectOutput(id, /\[berth\] Input dropped/, 0, 15_000);
    t.close(id);
  });

  it("ends the session when the container stops", async () => {
    const t = await client(member);
    const id = await t.openOk(set.id, "worker");
    await t.expectOutput(id, PROMPT);
    try {
      expectStatus(await member.api.post(`/api/v1/sets/${set.id}/stop`), 200);
      expect((await t.exitOf(id, 30_000)).reason).toMatch(/container stopped/i);
    } finally {
      expectStatus(await member.api.post(`/api/v1/sets/${set.id}/start`), 200);
      set = await waitFor("set Running again", async () => {
        const s = (await member.api.get(`/api/v1/sets/${set.id}`)).body as TSetView;
        return s.state === "Running" ? s : null;
      });
    }
  });

  it("ends the session when the agent drops, and the restarted agent ends the exec it left behind", async () => {
    const containerId = dockerIdOf(set, "app");
    const t = await client(member);
    const id = await t.openOk(set.id, "app");
    t.send(id, "sleep 4343\n");
    await waitFor("sleep 4343 running", async () => (await sessionProcesses(containerId, id)).some((p) => p.includes("sleep 4343")), 10_000);
    await agent.kill("SIGKILL");
    expect((await t.exitOf(id, 20_000)).reason).toMatch(/agent disconnected/i);
    // Killed without a chance to clean up: the processes are still there until the agent returns.
    expect((await sessionProcesses(containerId, id)).some((p) => p.includes("sleep 4343"))).toBe(true);
    agent.start();
    await waitFor("leftover session ended by the restarted agent", async () => (await sessionProcesses(containerId, id)).length === 0, 30_000);
    await waitFor("host Ready again", async () => {
      const hosts = (await admin.get("/api/v1/hosts")).body as Array<{ id: string; status: string }>;
      return hosts.some((h) => h.id === agent.hostId() && h.status === "Ready");
    });
  });

  it("ends the session when the user loses access (re-checked periodically)", async () => {
    const t = await client(member);
    const id = await t.openOk(set.id, "app");
    await t.expectOutput(id, PROMPT);
    const teamInfo = (await admin.get(`/api/v1/teams/${team}`)).body as { slug: string };
    expectStatus(await admin.delete(`/api/v1/teams/${teamInfo.slug}/members/${member.id}`), 200);
    const exit = await t.exitOf(id, 45_000);
    expect(exit.reason).toMatch(/access revoked/i);
  }, 60_000);
});

import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { PROTOCOL_VERSION } from "@/lib/protocol/events";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, createToken, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { TermClient } from "../helpers/terminal";

/**
 * Access taken away cuts off what is already open, at once: a revoked host's agent connection, a
 * demoted member's or revoked token's terminal, a removed member's team events. The periodic
 * re-checks (30 s for terminals by default, 60 s for metrics) would be far too late for these.
 */
const c = consoleInfo();
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let team: string;
let set: TSetView;
const clients: TermClient[] = [];
const sockets: Socket[] = [];
const PROMPT = /\/ # /;
/** Generous for a loaded CI machine; still far below every periodic re-check. */
const AT_ONCE_MS = 5_000;

async function terminal(token: string): Promise<TermClient> {
  const t = await TermClient.connect(c.url, token);
  clients.push(t);
  return t;
}

function uiSocket(token: string): Promise<Socket> {
  const s = io(`${c.url}/ui`, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "revoke-a");
  team = await makeTeam(admin, { quota: { cpu: 8, memoryMiB: 8192, diskGiB: 20, sets: 10 } });
  const owner = await makeMember(admin, team, "MEMBER");
  const res = await owner.api.post(`/api/v1/teams/${team}/apps`, {
    name: "shell",
    replicas: 1,
    size: { cpu: 1, memoryMiB: 256, diskGiB: 1 },
    containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
  });
  const app = expectStatus(res, 201) as TAppView;
  set = await waitFor("set Running", async () => {
    const s = (await owner.api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
    if (s.state === "Failed") throw new Error(`set failed: ${s.reason}`);
    return s.state === "Running" ? s : null;
  }, 90_000);
});

afterAll(async () => {
  for (const t of clients) t.disconnect();
  for (const s of sockets) s.disconnect();
  await agent?.destroy(engine, admin);
});

describe("access taken away acts on open connections at once", () => {
  it("a member demoted to VIEWER loses an open terminal, and may not open another", async () => {
    const member: TTestUser = await makeMember(admin, team, "MEMBER");
    const t = await terminal(member.token);
    const id = await t.openOk(set.id, "app");
    await t.expectOutput(id, PROMPT);
    expectStatus(await admin.patch(`/api/v1/teams/${team}/members/${member.id}`, { role: "VIEWER" }), 200);
    const exit = await t.exitOf(id, AT_ONCE_MS);
    expect(exit.reason).toMatch(/access revoked/i);
    const again = await t.open(set.id, "app");
    expect(again.ok).toBe(false);
    // The socket itself stays: a viewer still watches the set.
    expect(t.socket.connected).toBe(true);
  });

  it("revoking a token closes its terminal and its socket; nothing more can be opened on it", async () => {
    const member: TTestUser = await makeMember(admin, team, "MEMBER");
    const extra = await createToken(c.url, member.email, member.password);
    const t = await terminal(extra.token);
    const id = await t.openOk(set.id, "app");
    await t.expectOutput(id, PROMPT);
    expectStatus(await member.api.delete(`/api/v1/auth/tokens/${extra.id}`), 200);
    await waitFor("the revoked token's socket to close", async () => !t.socket.connected, AT_ONCE_MS, 50);
    await expect(t.socket.timeout(2000).emitWithAck("terminal:open", { setId: set.id, container: "app", cols: 80, rows: 24 })).rejects.toThrow();
    // The member's other token is untouched.
    const still = await terminal(member.token);
    await still.openOk(set.id, "app");
  });

  it("a removed member stops hearing the team's set events while a remaining one still does", async () => {
    const leaving = await makeMember(admin, team, "VIEWER");
    const staying = await makeMember(admin, team, "VIEWER");
    const [gone, kept] = await Promise.all([uiSocket(leaving.token), uiSocket(staying.token)]);
    const heard = { gone: 0, kept: 0 };
    gone.on("set:state", (e: { setId: string }) => e.setId === set.id && heard.gone++);
    kept.on("set:state", (e: { setId: string }) => e.setId === set.id && heard.kept++);
    // Rooms are joined right after the handshake: give that a moment, then take the member out.
    await waitFor("both sockets in their team room", async () => (await gone.emitWithAck("whoami")).ok, 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expectStatus(await admin.delete(`/api/v1/teams/${team}/members/${leaving.id}`), 200);
    await new Promise((r) => setTimeout(r, 500));
    expectStatus(await admin.post(`/api/v1/sets/${set.id}/restart`, {}), 200);
    await waitFor("the remaining member to hear the restart", async () => heard.kept > 0, 30_000);
    expect(heard.gone).toBe(0);
    // Still connected (the user exists), just no longer in the team's room.
    expect(gone.connected).toBe(true);
  });

  it("revoking a host disconnects its agent at once, and its credential is refused from then on", async () => {
    const hostId = agent.hostId();
    expect(hostId).toBeTruthy();
    const before = agent.log.length;
    expectStatus(await admin.delete(`/api/v1/hosts/${hostId}`), 200);
    await waitFor("the agent to be disconnected", async () => agent.log.slice(before).some((l) => /disconnected: io server disconnect/.test(l)), AT_ONCE_MS, 50);
    // Its credential opens no new connection either.
    const { credential } = JSON.parse(fs.readFileSync(path.join(agent.stateDir, "identity.json"), "utf8")) as { credential: string };
    const retry = io(`${c.url}/agent`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { protocolVersion: PROTOCOL_VERSION, credential } });
    sockets.push(retry);
    const refused = await new Promise<{ code?: string }>((resolve, reject) => {
      retry.once("connect", () => reject(new Error("a revoked host's credential connected")));
      retry.once("connect_error", (err: Error & { data?: { code?: string } }) => resolve(err.data ?? {}));
    });
    expect(refused.code).toBe("UNAUTHENTICATED");
    const hosts = (await admin.get("/api/v1/hosts")).body as Array<{ id: string }>;
    expect(hosts.some((h) => h.id === hostId)).toBe(false);
  });
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, createToken, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
let admin: Api;
let adminToken: string;
let engine: DockerEngine;
let agent: TestAgent;
let member: TTestUser;
let outsider: TTestUser;
let team: string;
const sockets: Socket[] = [];

interface TStateEvent {
  setId: string;
  state: string;
}

/** A /ui socket that records every set:state it hears. */
async function listen(token: string): Promise<TStateEvent[]> {
  const heard: TStateEvent[] = [];
  const socket = io(`${c.url}/ui`, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { token } });
  sockets.push(socket);
  socket.on("set:state", (e: TStateEvent) => heard.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  // Rooms are joined right after the handshake; whoami answers once that work has had its turn.
  await socket.timeout(10_000).emitWithAck("whoami");
  return heard;
}

beforeAll(async () => {
  admin = await adminApi(c);
  adminToken = (await createToken(c.url, c.adminEmail, c.adminPassword, { name: "events-admin" })).token;
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "events");
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 2 } });
  member = await makeMember(admin, team, "VIEWER");
  outsider = await makeMember(admin, await makeTeam(admin), "OWNER");
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await agent?.destroy(engine, admin);
});

it("set:state reaches the set's team and platform admins, and no other team", async () => {
  const [memberHeard, adminHeard, outsiderHeard] = await Promise.all([listen(member.token), listen(adminToken), listen(outsider.token)]);
  const app = expectStatus(
    await admin.post(`/api/v1/teams/${team}/apps`, {
      name: "heard",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
    }),
    201,
  ) as TAppView;
  const setId = app.sets[0].id;
  await waitFor("the team's viewer hears the set run", async () => memberHeard.some((e) => e.setId === setId && e.state === "Running"), 90_000, 200);
  await waitFor("an admin outside the team hears it too", async () => adminHeard.some((e) => e.setId === setId && e.state === "Running"), 10_000, 200);
  expect(outsiderHeard.filter((e) => e.setId === setId)).toEqual([]);
  expectStatus(await admin.delete(`/api/v1/teams/${team}/apps/heard`), 200);
}, 180_000);

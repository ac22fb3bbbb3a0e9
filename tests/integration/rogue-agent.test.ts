import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { PROTOCOL_VERSION, type TAck } from "@/lib/protocol/events";
import { TEST_IMAGE, waitFor } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { insertHost, makeMember, makeTeam, revokeInsertedHosts } from "../helpers/fixtures";

/**
 * An agent speaks only for its own host. This one holds a real host credential (a compromised or
 * buggy host) and names another team's set in everything it reports: it must not be able to adopt
 * the set, put rows into that team's recycle bin, or fill the audit log.
 */
const c = consoleInfo();
const open: Socket[] = [];
let admin: Api;
let victimSet: TSetView;
let victimTeamId: string;

function connectAgent(credential: string): Promise<Socket> {
  const socket = io(`${c.url}/agent`, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { protocolVersion: PROTOCOL_VERSION, credential } });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

function emitAck<T>(socket: Socket, event: string, payload: unknown): Promise<TAck<T>> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<TAck<T>>;
}

async function foreignReports(kind: string): Promise<number> {
  const text = (await admin.get("/api/metrics")).text ?? "";
  const m = new RegExp(`^berth_console_agent_foreign_reports_total\\{kind="${kind}"\\} (\\d+)`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

beforeAll(async () => {
  admin = await adminApi(c);
  // A set no host can take (64 cores): it stays Pending and unplaced, the kind a host could claim.
  const team = await makeTeam(admin, { quota: { cpu: 128, memoryMiB: 16384, diskGiB: 10, sets: 2 } });
  const member = await makeMember(admin, team, "MEMBER");
  const app = expectStatus(
    await member.api.post(`/api/v1/teams/${team}/apps`, {
      name: "huge",
      replicas: 1,
      size: { cpu: 64, memoryMiB: 256, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100 }],
    }),
    201,
  ) as TAppView;
  victimSet = await waitFor("the set Pending", async () => {
    const s = (await member.api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
    return s.state === "Pending" ? s : null;
  });
  victimTeamId = (await sql<{ teamId: string }>(c.databaseUrl, `SELECT "teamId" FROM "Set" WHERE id = $1`, [victimSet.id]))[0].teamId;
});

afterEach(() => {
  while (open.length) open.pop()?.disconnect();
});

afterAll(() => revokeInsertedHosts(c.databaseUrl));

describe("an agent reporting on sets its host does not hold", () => {
  it("cannot adopt another team's unplaced set by listing it in its inventory", async () => {
    const host = await insertHost(c.databaseUrl);
    const socket = await connectAgent(host.credential);
    const ack = await emitAck(socket, "inventory", {
      sets: [{ setId: victimSet.id, teamId: victimTeamId, appId: "x", ip: null, containers: [] }],
      trash: [],
    });
    expect(ack.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    const row = (await sql<{ hostId: string | null; state: string }>(c.databaseUrl, `SELECT "hostId", state::text AS state FROM "Set" WHERE id = $1`, [victimSet.id]))[0];
    expect(row).toEqual({ hostId: null, state: "Pending" });
  });

  it("cannot put a row into another team's recycle bin, by event or by inventory; it is counted", async () => {
    const host = await insertHost(c.databaseUrl);
    const socket = await connectAgent(host.credential);
    const before = await foreignReports("trash");
    const entry = { key: `rogue-${Date.now().toString(36)}`, setId: victimSet.id, appId: "x", teamId: victimTeamId, sizeGiB: 1, trashedAt: new Date().toISOString() };
    socket.emit("volume:trashed", entry);
    expect((await emitAck(socket, "inventory", { sets: [], trash: [{ ...entry, key: `${entry.key}-2` }] })).ok).toBe(true);
    await waitFor("both reports counted", async () => (await foreignReports("trash")) >= before + 2, 10_000);
    const rows = await sql(c.databaseUrl, `SELECT id FROM "Volume" WHERE "hostId" = $1 OR "teamId" = $2`, [host.id, victimTeamId]);
    expect(rows).toEqual([]);
  });

  it("container events about a foreign set are dropped and counted, not audited one by one", async () => {
    const host = await insertHost(c.databaseUrl);
    const socket = await connectAgent(host.credential);
    const before = await foreignReports("container_event");
    for (let i = 0; i < 20; i++) {
      socket.emit("container:event", { setId: victimSet.id, role: "app", index: 0, name: "app", dockerId: `d${i}`, action: "die", exitCode: 1, at: Date.now() });
    }
    await waitFor("20 events counted", async () => (await foreignReports("container_event")) >= before + 20, 10_000);
    const audits = await sql(c.databaseUrl, `SELECT id FROM "AuditEvent" WHERE "actorLabel" = $1`, [`host:${host.id}`]);
    expect(audits).toEqual([]);
  });

  it("oversized or malformed reports are refused as a whole", async () => {
    const host = await insertHost(c.databaseUrl);
    const socket = await connectAgent(host.credential);
    const many = Array.from({ length: 2001 }, (_, i) => ({ setId: `s${i}`, teamId: "t", appId: "a", ip: null, containers: [] }));
    expect(await emitAck(socket, "inventory", { sets: many, trash: [] })).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    const longKey = { key: "../../etc", setId: "s", appId: "a", teamId: "t", sizeGiB: 1, trashedAt: new Date().toISOString() };
    expect(await emitAck(socket, "inventory", { sets: [], trash: [longKey] })).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
  });
});

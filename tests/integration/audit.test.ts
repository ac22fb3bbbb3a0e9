import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ZAuditEvent, type TAuditEvent } from "@/lib/protocol/api";
import { Api, adminApi, createToken, expectError, expectStatus, uniqueEmail } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { TEST_IMAGE } from "../helpers/agent";
import { sql } from "../helpers/db";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
const ZAuditList = z.array(ZAuditEvent);

async function auditOf(api: Api, query: string): Promise<TAuditEvent[]> {
  return ZAuditList.parse(expectStatus(await api.get(`/api/v1/audit?${query}`), 200));
}

describe("GET /api/v1/audit", () => {
  let admin: Api;
  let team: string;
  let owner: TTestUser;
  let outsider: TTestUser;
  let added: TTestUser;

  beforeAll(async () => {
    admin = await adminApi(c);
    team = await makeTeam(admin);
    owner = await makeMember(admin, team, "OWNER");
    // An account from elsewhere, added by the owner (owners add existing accounts; they do not create them).
    added = await makeMember(admin, await makeTeam(admin), "VIEWER");
    expectStatus(await owner.api.post(`/api/v1/teams/${team}/members`, { email: added.email, role: "VIEWER" }), 201);
    expectStatus(await owner.api.patch(`/api/v1/teams/${team}/members/${added.id}`, { role: "MEMBER" }), 200);
    expectStatus(await owner.api.delete(`/api/v1/teams/${team}/members/${added.id}`), 200);
    outsider = await makeMember(admin, await makeTeam(admin), "OWNER");
  });

  it("records every team write with actor, target and details, newest first", async () => {
    const events = await auditOf(owner.api, `team=${team}`);
    expect(events.map((e) => e.action)).toEqual(["member.remove", "member.update", "member.add", "member.add", "team.create"]);
    expect(events.every((e) => e.team === team)).toBe(true);
    const [remove, update, addViewer, addOwner, create] = events;
    expect(remove).toMatchObject({ actor: `${owner.email} (token)`, targetType: "user", targetId: added.id, details: { email: added.email, role: "MEMBER" } });
    expect(update).toMatchObject({ targetId: added.id, details: { from: "VIEWER", to: "MEMBER" } });
    expect(addViewer).toMatchObject({ actor: `${owner.email} (token)`, targetId: added.id, details: { email: added.email, role: "VIEWER", userCreated: false } });
    expect(addOwner).toMatchObject({ actor: `${c.adminEmail} (token)`, targetId: owner.id, details: { role: "OWNER", userCreated: true } });
    expect(create).toMatchObject({ action: "team.create", targetType: "team", details: { slug: team } });
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("a member of another team gets 404 for this team's audit, as for a missing team", async () => {
    const res = await outsider.api.get(`/api/v1/audit?team=${team}`);
    expectError(res, 404, "NOT_FOUND");
    const missing = await outsider.api.get(`/api/v1/audit?team=no-such-team-${Date.now()}`);
    expect(res.text).toBe(missing.text);
  });

  it("without a team filter a member sees their teams' events and their own, never other teams'", async () => {
    const events = await auditOf(outsider.api, "limit=500");
    expect(events.some((e) => e.team === team)).toBe(false);
    expect(events.some((e) => e.action === "token.create")).toBe(true);
  });

  it("records token and user writes (not tied to a team)", async () => {
    const user = await makeMember(admin, await makeTeam(admin), "MEMBER");
    const t = await createToken(c.url, user.email, user.password, { name: "audited" });
    expectStatus(await user.api.delete(`/api/v1/auth/tokens/${t.id}`), 200);
    expectStatus(await admin.patch(`/api/v1/users/${user.id}`, { name: "Audited" }), 200);
    const events = await auditOf(admin, "limit=500");
    const about = events.filter((e) => e.targetId === t.id || e.targetId === user.id);
    expect(about.map((e) => e.action)).toEqual(expect.arrayContaining(["token.create", "token.revoke", "user.update", "member.add"]));
    expect(events.find((e) => e.action === "token.revoke" && e.targetId === t.id)).toMatchObject({ details: { name: "audited" }, team: null });
    expect(events.find((e) => e.action === "user.update" && e.targetId === user.id)).toMatchObject({ actor: `${c.adminEmail} (token)`, details: { name: "Audited" } });
  });

  it("stores the client address from X-Forwarded-For; a client-sent x-berth-client-ip is ignored", async () => {
    const user = await makeMember(admin, await makeTeam(admin), "VIEWER");
    const ip = "198.18.7.9";
    const res = await admin.with({ ip, headers: { "x-berth-client-ip": "6.6.6.6" } }).patch(`/api/v1/users/${user.id}`, { name: "From a proxy" });
    expectStatus(res, 200);
    const rows = await sql<{ ip: string | null }>(
      c.databaseUrl,
      `SELECT ip FROM "AuditEvent" WHERE action = 'user.update' AND "targetId" = $1`,
      [user.id],
    );
    expect(rows).toEqual([{ ip }]);
  });

  it("a refused write leaves no audit row", async () => {
    const before = await auditOf(admin, `team=${team}`);
    expectError(await outsider.api.post(`/api/v1/teams/${team}/members`, { email: uniqueEmail(), role: "OWNER", password: "long-enough" }), 404, "NOT_FOUND");
    expectError(await admin.post("/api/v1/teams", { slug: team, name: "dup" }), 409, "CONFLICT");
    expect(await auditOf(admin, `team=${team}`)).toEqual(before);
  });

  it("limit and before page through events; bad query values are 400; no credentials 401", async () => {
    const all = await auditOf(owner.api, `team=${team}`);
    const first = await auditOf(owner.api, `team=${team}&limit=2`);
    expect(first).toEqual(all.slice(0, 2));
    const older = await auditOf(owner.api, `team=${team}&before=${encodeURIComponent(all[2].at)}`);
    expect(older.every((e) => Date.parse(e.at) < Date.parse(all[2].at))).toBe(true);
    expectError(await owner.api.get(`/api/v1/audit?team=${team}&limit=0`), 400, "VALIDATION");
    expectError(await owner.api.get(`/api/v1/audit?team=${team}&limit=501`), 400, "VALIDATION");
    expectError(await owner.api.get(`/api/v1/audit?before=yesterday`), 400, "VALIDATION");
    expectError(await owner.api.get(`/api/v1/audit?teem=${team}`), 400, "VALIDATION");
    expectError(await new Api(c.url).get(`/api/v1/audit?team=${team}`), 401, "UNAUTHENTICATED");
    expectError(await owner.api.get(`/api/v1/audit?team=${team}&beforeId=x`), 400, "VALIDATION");
  });

  it("pages one event at a time through events of the same millisecond without skipping any (a (time, id) cursor)", async () => {
    const quiet = await makeTeam(admin);
    const [{ id: teamId }] = await sql<{ id: string }>(c.databaseUrl, `SELECT id FROM "Team" WHERE slug = $1`, [quiet]);
    const at = new Date(Date.now() + 60_000).toISOString();
    const ids = ["tie-a", "tie-b", "tie-c", "tie-d"].map((x) => `${x}-${quiet}`);
    for (const id of ids) {
      await sql(c.databaseUrl, `INSERT INTO "AuditEvent" (id, at, "actorLabel", "teamId", action, "targetType", details) VALUES ($1, $2, 'test', $3, 'test.tie', 'team', '{}')`, [id, at, teamId]);
    }
    const seen: string[] = [];
    let query = `team=${quiet}&limit=1`;
    for (let i = 0; i < 10; i++) {
      const page = await auditOf(admin, query);
      if (page.length === 0) break;
      seen.push(page[0].id);
      query = `team=${quiet}&limit=1&before=${encodeURIComponent(page[0].at)}&beforeId=${encodeURIComponent(page[0].id)}`;
    }
    // Newest first (the four are in the future), ties by id descending; nothing twice.
    expect(seen.slice(0, 4)).toEqual([...ids].sort().reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });
  it("narrows by action prefix, actor and time range on the server, with the filters combined; bad values are 400", async () => {
    const all = await auditOf(owner.api, `team=${team}`);
    const members = await auditOf(owner.api, `team=${team}&action=member.`);
    expect(members.map((e) => e.action)).toEqual(all.filter((e) => e.action.startsWith("member.")).map((e) => e.action));
    expect(members.length).toBe(4);
    expect((await auditOf(owner.api, `team=${team}&action=member.update`)).map((e) => e.action)).toEqual(["member.update"]);
    // Part of an email, any case: the owner's three writes, not the admin's.
    const byOwner = await auditOf(owner.api, `team=${team}&actor=${encodeURIComponent(owner.email.split("@")[0].toUpperCase())}`);
    expect(byOwner.map((e) => e.action)).toEqual(["member.remove", "member.update", "member.add"]);
    expect((await auditOf(owner.api, `team=${team}&actor=${encodeURIComponent(owner.email)}&action=member.add`)).length).toBe(1);
    // A range around one event's instant keeps only events of that millisecond.
    const one = all[1];
    const at = Date.parse(one.at);
    const ranged = await auditOf(owner.api, `team=${team}&from=${new Date(at).toISOString()}&to=${new Date(at + 1).toISOString()}`);
    expect(ranged.map((e) => e.id)).toContain(one.id);
    expect(ranged.every((e) => Date.parse(e.at) === at)).toBe(true);
    expect(await auditOf(owner.api, `team=${team}&to=${new Date(Date.parse(all.at(-1)!.at)).toISOString()}`)).toEqual([]);
    expectError(await owner.api.get(`/api/v1/audit?team=${team}&from=yesterday`), 400, "VALIDATION");
    expectError(await owner.api.get(`/api/v1/audit?team=${team}&from=${all[0].at}&to=${all.at(-1)!.at}`), 400, "VALIDATION");
    expectError(await owner.api.get(`/api/v1/audit?team=${team}&action=`), 400, "VALIDATION");
  });
  it("names set targets `<app>-<n>` (from the set row, deleted sets too) and leaves other targets' names null", async () => {
    const slug = await makeTeam(admin);
    const body = { name: "named", replicas: 1, size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 }, containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100 }] };
    const app = expectStatus(await admin.post(`/api/v1/teams/${slug}/apps`, body), 201) as { sets: { id: string; name: string }[] };
    const [{ id: teamId }] = await sql<{ id: string }>(c.databaseUrl, `SELECT id FROM "Team" WHERE slug = $1`, [slug]);
    await sql(c.databaseUrl, `INSERT INTO "AuditEvent" (id, "actorLabel", "teamId", action, "targetType", "targetId", details) VALUES ($1, 'test', $2, 'terminal.start', 'container', $3, '{}')`, [`named-${slug}`, teamId, app.sets[0].id]);
    expectStatus(await admin.delete(`/api/v1/teams/${slug}/apps/named`), 200);
    const events = await auditOf(admin, `team=${slug}`);
    // Recorded by terminals before they called the target a set: still named from the id.
    expect(events.find((e) => e.id === `named-${slug}`)).toMatchObject({ targetId: app.sets[0].id, targetName: "named-0" });
    expect(events.find((e) => e.action === "team.create")?.targetName).toBeNull();
  });
});

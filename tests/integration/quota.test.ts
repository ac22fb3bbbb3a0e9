import { beforeAll, describe, expect, it } from "vitest";
import type { TQuota, TQuotaRequest } from "@/lib/protocol/api";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { TEST_IMAGE } from "../helpers/agent";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { makeMember, makeTeam } from "../helpers/fixtures";

let admin: Api;

beforeAll(async () => {
  admin = await adminApi(consoleInfo());
});

const oneCoreApp = (name: string) => ({
  name,
  replicas: 1,
  size: { cpu: 1, memoryMiB: 64, diskGiB: 1 },
  containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 50, memory: 50 }],
});

describe("quota reservations under concurrency", () => {
  it("20 parallel one-core creates with room for 5: exactly 5 created, 15 answered 422", async () => {
    const team = await makeTeam(admin, { quota: { cpu: 5, memoryMiB: 100_000, diskGiB: 1000, sets: 100 } });
    const member = (await makeMember(admin, team, "MEMBER")).api;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => member.post(`/api/v1/teams/${team}/apps`, oneCoreApp(`burst-${i}`))));
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(created).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      const e = expectError(r, 422, "QUOTA_EXCEEDED");
      expect(e.message).toMatch(/of 5 cores/);
    }
    const quota = expectStatus(await member.get(`/api/v1/teams/${team}/quota`), 200) as TQuota;
    expect(quota.used).toEqual({ cpu: 5, memoryMiB: 5 * 64, diskGiB: 5, sets: 5 });
    // Used is exactly the sum over live sets in the database, and no app exists without its set.
    const [row] = await sql<{ cpu: string; n: string; apps: string }>(
      consoleInfo().databaseUrl,
      `SELECT COALESCE(SUM(s."cpuMillis"),0) AS cpu, COUNT(s.*) AS n,
              (SELECT COUNT(*) FROM "App" a JOIN "Team" t ON t.id = a."teamId" WHERE t.slug = $1) AS apps
         FROM "Set" s JOIN "Team" t ON t.id = s."teamId" WHERE t.slug = $1 AND s."deletedAt" IS NULL`,
      [team],
    );
    expect({ cpu: Number(row.cpu), n: Number(row.n), apps: Number(row.apps) }).toEqual({ cpu: 5000, n: 5, apps: 5 });
    for (const r of created) await member.delete(`/api/v1/teams/${team}/apps/${(r.body as { name: string }).name}`);
    const after = expectStatus(await member.get(`/api/v1/teams/${team}/quota`), 200) as TQuota;
    expect(after.used.sets).toBe(0);
  }, 120_000);

  it("scale-out past the quota answers 422 and adds nothing", async () => {
    const team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 100_000, diskGiB: 1000, sets: 100 } });
    const member = (await makeMember(admin, team, "MEMBER")).api;
    expectStatus(await member.post(`/api/v1/teams/${team}/apps`, oneCoreApp("scaler")), 201);
    expectError(await member.patch(`/api/v1/teams/${team}/apps/scaler`, { replicas: 3 }), 422, "QUOTA_EXCEEDED");
    const app = expectStatus(await member.get(`/api/v1/teams/${team}/apps/scaler`), 200) as { replicas: number; sets: unknown[] };
    expect(app.replicas).toBe(1);
    expect(app.sets).toHaveLength(1);
    await member.delete(`/api/v1/teams/${team}/apps/scaler`);
  });
});

describe("quota requests", () => {
  it("a member asks, an admin approves once, the limits rise once", async () => {
    const team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 10, sets: 2 } });
    const member = await makeMember(admin, team, "MEMBER");
    const ask = { cpu: 8, memoryMiB: 8192, diskGiB: 50, sets: 10, reason: "launch of the new checkout" };
    const request = expectStatus(await member.api.post(`/api/v1/teams/${team}/quota-requests`, ask), 201) as TQuotaRequest;
    expect(request.status).toBe("PENDING");
    expect(request.current).toEqual({ cpu: 2, memoryMiB: 1024, diskGiB: 10, sets: 2 });

    // The queue: admins see it; the member sees their team's.
    const pending = expectStatus(await admin.get("/api/v1/quota-requests?status=PENDING"), 200) as TQuotaRequest[];
    expect(pending.map((r) => r.id)).toContain(request.id);
    const mine = expectStatus(await member.api.get("/api/v1/quota-requests"), 200) as TQuotaRequest[];
    expect(mine.map((r) => r.id)).toEqual([request.id]);

    expectError(await member.api.post(`/api/v1/quota-requests/${request.id}/approve`, { note: "self-service" }), 403, "FORBIDDEN");

    const approved = expectStatus(await admin.post(`/api/v1/quota-requests/${request.id}/approve`, { note: "ok for Q4" }), 200) as TQuotaRequest;
    expect(approved.status).toBe("APPROVED");
    expect(approved.note).toBe("ok for Q4");
    const quota = expectStatus(await member.api.get(`/api/v1/teams/${team}/quota`), 200) as TQuota;
    expect(quota.limits).toEqual({ cpu: 8, memoryMiB: 8192, diskGiB: 50, sets: 10 });

    expectError(await admin.post(`/api/v1/quota-requests/${request.id}/approve`, { note: "again" }), 409, "CONFLICT");
    expectError(await admin.post(`/api/v1/quota-requests/${request.id}/reject`, { note: "too late" }), 409, "CONFLICT");

    // The requester sees the outcome; the audit trail has both steps.
    const seen = expectStatus(await member.api.get(`/api/v1/quota-requests/${request.id}`), 200) as TQuotaRequest;
    expect(seen).toMatchObject({ status: "APPROVED", decidedBy: consoleInfo().adminEmail });
    const audit = expectStatus(await admin.get(`/api/v1/audit?team=${team}`), 200) as Array<{ action: string }>;
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["quota.request", "quota.approve"]));
  });

  it("two admins approving at once: one wins, the other gets 409", async () => {
    const team = await makeTeam(admin);
    const member = await makeMember(admin, team, "MEMBER");
    const req = expectStatus(
      await member.api.post(`/api/v1/teams/${team}/quota-requests`, { cpu: 3, memoryMiB: 3, diskGiB: 3, sets: 3, reason: "race" }),
      201,
    ) as TQuotaRequest;
    const both = await Promise.all([admin.post(`/api/v1/quota-requests/${req.id}/approve`, {}), admin.post(`/api/v1/quota-requests/${req.id}/reject`, {})]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it("a rejected request changes nothing; a VIEWER cannot ask; another team sees 404", async () => {
    const team = await makeTeam(admin, { quota: { cpu: 1, memoryMiB: 1, diskGiB: 1, sets: 1 } });
    const member = await makeMember(admin, team, "MEMBER");
    const viewer = await makeMember(admin, team, "VIEWER");
    const outsiderTeam = await makeTeam(admin);
    const outsider = await makeMember(admin, outsiderTeam, "OWNER");
    const body = { cpu: 4, memoryMiB: 4, diskGiB: 4, sets: 4, reason: "more please" };
    expectError(await viewer.api.post(`/api/v1/teams/${team}/quota-requests`, body), 403, "FORBIDDEN");
    expectError(await outsider.api.post(`/api/v1/teams/${team}/quota-requests`, body), 404, "NOT_FOUND");
    expectError(await member.api.post(`/api/v1/teams/${team}/quota-requests`, { ...body, extra: 1 }), 400, "VALIDATION");
    const req = expectStatus(await member.api.post(`/api/v1/teams/${team}/quota-requests`, body), 201) as TQuotaRequest;
    expectError(await outsider.api.get(`/api/v1/quota-requests/${req.id}`), 404, "NOT_FOUND");
    expect((expectStatus(await outsider.api.get("/api/v1/quota-requests"), 200) as TQuotaRequest[]).map((r) => r.id)).not.toContain(req.id);
    expectStatus(await admin.post(`/api/v1/quota-requests/${req.id}/reject`, { note: "not this quarter" }), 200);
    const quota = expectStatus(await member.api.get(`/api/v1/teams/${team}/quota`), 200) as TQuota;
    expect(quota.limits).toEqual({ cpu: 1, memoryMiB: 1, diskGiB: 1, sets: 1 });
  });
});

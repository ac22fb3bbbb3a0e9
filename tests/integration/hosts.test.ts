import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ZHost } from "@/lib/protocol/api";
import { Api, adminApi, expectError, expectStatus } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { insertHost, makeMember, makeTeam, revokeInsertedHosts } from "../helpers/fixtures";

const c = consoleInfo();

afterAll(() => revokeInsertedHosts(c.databaseUrl));

describe("GET /api/v1/hosts", () => {
  it("admins see hosts with capacity; a cordoned Ready host shows Cordoned", async () => {
    const admin = await adminApi(c);
    const ready = await insertHost(c.databaseUrl);
    const cordoned = await insertHost(c.databaseUrl, { cordoned: true });
    const hosts = z.array(ZHost).parse(expectStatus(await admin.get("/api/v1/hosts"), 200));
    const a = hosts.find((h) => h.id === ready.id);
    const b = hosts.find((h) => h.id === cordoned.id);
    expect(a).toMatchObject({ name: ready.name, zone: "zone-a", status: "Ready", cordoned: false, capacity: { cpuCores: 16, memoryBytes: 68719476736 }, diskFreeBytes: 500000000000, agentVersion: "0.1.0" });
    expect(a?.allocated).toEqual({ cpuCores: 0, memoryBytes: 0, diskGiB: 0 });
    expect(b).toMatchObject({ status: "Cordoned", cordoned: true });
    await sql(c.databaseUrl, `UPDATE "Host" SET "revokedAt" = now() WHERE id = ANY($1)`, [[ready.id, cordoned.id]]);
    const after = z.array(ZHost).parse((await admin.get("/api/v1/hosts")).body);
    expect(after.map((h) => h.id)).not.toContain(ready.id);
    expect(after.map((h) => h.id)).not.toContain(cordoned.id);
  });

  it("members get 403, no credentials 401", async () => {
    const admin = await adminApi(c);
    const owner = await makeMember(admin, await makeTeam(admin), "OWNER");
    expectError(await owner.api.get("/api/v1/hosts"), 403, "FORBIDDEN");
    expectError(await new Api(c.url).get("/api/v1/hosts"), 401, "UNAUTHENTICATED");
  });
});

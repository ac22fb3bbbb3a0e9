import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import {
  ZAuditQuery,
  ZEmail,
  ZMemberAdd,
  ZMemberUpdate,
  ZQuotaLimits,
  ZSlug,
  ZTeamCreate,
  ZTokenCreate,
  ZTokenLogin,
  ZUserUpdate,
} from "@/lib/protocol/api";

/** The issue paths of a failed parse, joined with dots ("" for the root); [] when it passes. */
function issuePaths(schema: ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
}

const quota = { cpu: 2, memoryMiB: 1024, diskGiB: 10, sets: 3 };

describe("strict bodies reject unknown fields, naming them", () => {
  const cases: [string, ZodType, Record<string, unknown>][] = [
    ["ZTeamCreate", ZTeamCreate, { slug: "ok", name: "Ok" }],
    ["ZQuotaLimits", ZQuotaLimits, quota],
    ["ZMemberAdd", ZMemberAdd, { email: "a@b.co", role: "MEMBER" }],
    ["ZMemberUpdate", ZMemberUpdate, { role: "OWNER" }],
    ["ZTokenLogin", ZTokenLogin, { email: "a@b.co", password: "x" }],
    ["ZTokenCreate", ZTokenCreate, { name: "ci" }],
    ["ZUserUpdate", ZUserUpdate, { disabled: true }],
    ["ZAuditQuery", ZAuditQuery, { team: "ok" }],
  ];

  it.each(cases)("%s accepts its valid body and refuses one more field", (_name, schema, valid) => {
    expect(schema.safeParse(valid).success).toBe(true);
    const r = schema.safeParse({ ...valid, sneaky: 1 });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["sneaky"] });
    }
  });

  it("a nested unknown field is reported under its parent's path", () => {
    expect(issuePaths(ZTeamCreate, { slug: "ok", name: "Ok", quota: { ...quota, gpus: 1 } })).toEqual(["quota"]);
  });
});

describe("slug grammar", () => {
  it.each(["ab", "a1", "team-42", "a-b-c", "0x", "x".repeat(40)])("accepts %s", (slug) => {
    expect(ZSlug.safeParse(slug).success).toBe(true);
  });

  it.each(["a", "x".repeat(41), "Ab", "-ab", "ab-", "a_b", "a b", "ab.", "é-a", "", "ab\n"])("refuses %j", (slug) => {
    expect(ZSlug.safeParse(slug).success).toBe(false);
  });

  it("the team body reports a bad slug at path slug", () => {
    expect(issuePaths(ZTeamCreate, { slug: "Bad_Slug", name: "x" })).toEqual(["slug"]);
  });
});

describe("quota bounds", () => {
  it("accepts fractional cores to the millicore and zero limits", () => {
    expect(ZQuotaLimits.parse({ ...quota, cpu: 0.25 }).cpu).toBe(0.25);
    expect(ZQuotaLimits.parse({ ...quota, cpu: 1.001 }).cpu).toBe(1.001);
    expect(ZQuotaLimits.safeParse({ cpu: 0, memoryMiB: 0, diskGiB: 0, sets: 0 }).success).toBe(true);
    expect(ZQuotaLimits.safeParse({ cpu: 100_000, memoryMiB: 2 ** 30, diskGiB: 2 ** 24, sets: 100_000 }).success).toBe(true);
  });

  it.each([
    ["cpu", -1],
    ["cpu", 100_000.001],
    ["cpu", 0.0005],
    ["memoryMiB", -1],
    ["memoryMiB", 1.5],
    ["memoryMiB", 2 ** 30 + 1],
    ["diskGiB", 0.5],
    ["diskGiB", 2 ** 24 + 1],
    ["sets", -1],
    ["sets", 100_001],
    ["sets", 2.5],
    ["cpu", "2"],
    ["sets", null],
  ])("refuses %s = %j at that path", (field, value) => {
    expect(issuePaths(ZQuotaLimits, { ...quota, [field]: value })).toEqual([field]);
  });

  it("every limit is required", () => {
    for (const field of Object.keys(quota)) {
      const partial: Record<string, unknown> = { ...quota };
      delete partial[field];
      expect(issuePaths(ZQuotaLimits, partial)).toEqual([field]);
    }
  });
});

describe("other fields", () => {
  it("emails are trimmed and lower-cased; non-emails refused", () => {
    expect(ZEmail.parse("  Alice@Example.COM ")).toBe("alice@example.com");
    expect(ZEmail.safeParse("alice").success).toBe(false);
    expect(ZEmail.safeParse(`${"a".repeat(250)}@b.co`).success).toBe(false);
  });

  it("roles are exactly OWNER, MEMBER, VIEWER", () => {
    expect(issuePaths(ZMemberUpdate, { role: "ADMIN" })).toEqual(["role"]);
    expect(issuePaths(ZMemberUpdate, { role: "owner" })).toEqual(["role"]);
    for (const role of ["OWNER", "MEMBER", "VIEWER"]) expect(ZMemberUpdate.safeParse({ role }).success).toBe(true);
  });

  it("a chosen password has 10 characters, 5 of them different, and is not a well-known one", () => {
    expect(issuePaths(ZMemberAdd, { email: "a@b.co", role: "VIEWER", password: "abcde6789" })).toEqual(["password"]);
    expect(issuePaths(ZMemberAdd, { email: "a@b.co", role: "VIEWER", password: "aaaabbbbcc" })).toEqual(["password"]);
    expect(issuePaths(ZMemberAdd, { email: "a@b.co", role: "VIEWER", password: "Password123" })).toEqual(["password"]);
    expect(ZMemberAdd.safeParse({ email: "a@b.co", role: "VIEWER", password: "abcde67890" }).success).toBe(true);
  });

  it("team names are trimmed and must not be blank", () => {
    expect(ZTeamCreate.parse({ slug: "ok", name: "  Pay  " }).name).toBe("Pay");
    expect(issuePaths(ZTeamCreate, { slug: "ok", name: "   " })).toEqual(["name"]);
  });

  it("token login defaults the name and bounds the expiry", () => {
    expect(ZTokenLogin.parse({ email: "a@b.co", password: "x" }).name).toBe("api");
    expect(issuePaths(ZTokenLogin, { email: "a@b.co", password: "x", expiresInDays: 0 })).toEqual(["expiresInDays"]);
    expect(issuePaths(ZTokenLogin, { email: "a@b.co", password: "" })).toEqual(["password"]);
    expect(issuePaths(ZTokenCreate, { name: "x", expiresInDays: 3651 })).toEqual(["expiresInDays"]);
  });

  it("the audit query coerces limit from the query string and bounds it", () => {
    expect(ZAuditQuery.parse({ limit: "20" }).limit).toBe(20);
    expect(ZAuditQuery.parse({}).limit).toBe(100);
    expect(issuePaths(ZAuditQuery, { limit: "0" })).toEqual(["limit"]);
    expect(issuePaths(ZAuditQuery, { limit: "501" })).toEqual(["limit"]);
    expect(issuePaths(ZAuditQuery, { before: "yesterday" })).toEqual(["before"]);
    expect(ZAuditQuery.safeParse({ before: "2026-01-01T00:00:00.000Z" }).success).toBe(true);
  });
});

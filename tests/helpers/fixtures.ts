import { createHash, randomBytes } from "node:crypto";
import type { TQuotaLimits, TTeamRole } from "@/lib/protocol/api";
import { Api, createToken, uid, uniqueEmail } from "./api";
import { ApiClient } from "./api-client";
import { sql } from "./db";

export const DEFAULT_QUOTA: TQuotaLimits = { cpu: 8, memoryMiB: 16384, diskGiB: 100, sets: 10 };

/** Admin creates a team with a unique slug; returns its slug. */
export async function makeTeam(admin: Api, opts: { slug?: string; quota?: TQuotaLimits } = {}): Promise<string> {
  const slug = opts.slug ?? uid("team");
  const team = await new ApiClient(admin).ok("createTeam", { body: { slug, name: `Team ${slug}`, quota: opts.quota ?? DEFAULT_QUOTA } });
  return team.slug;
}

export interface TTestUser {
  id: string;
  email: string;
  password: string;
  /** An Api with this user's bearer token. */
  api: Api;
  token: string;
  tokenId: string;
}

/** Creates a new user as a member of `team` (through the members API) and gives them a token. */
export async function makeMember(admin: Api, team: string, role: TTeamRole, opts: { email?: string } = {}): Promise<TTestUser> {
  const email = opts.email ?? uniqueEmail(role.toLowerCase());
  const password = `pw-${randomBytes(9).toString("base64url")}`;
  const member = await new ApiClient(admin).ok("addMember", { params: { team }, body: { email, role, password, name: email.split("@")[0] } });
  const t = await createToken(admin.baseUrl, email, password);
  return { id: member.userId, email, password, token: t.token, tokenId: t.id, api: new Api(admin.baseUrl, { token: t.token }) };
}

const insertedHosts: string[] = [];

/**
 * A host row as enrollment would leave it (Ready, 16 cores), with no agent behind it; returns its
 * id, name and credential. Call revokeInsertedHosts in afterAll: the scheduler of the shared
 * console must not place another test's sets on it.
 */
export async function insertHost(databaseUrl: string, opts: { cordoned?: boolean; status?: "Ready" | "Unreachable"; credential?: string } = {}) {
  const id = uid("host");
  const name = `node-${id}`;
  const credential = opts.credential ?? randomBytes(24).toString("base64url");
  await sql(
    databaseUrl,
    `INSERT INTO "Host" (id, name, zone, status, cordoned, "credentialHash", "cpuCores", "memoryBytes", "diskFreeBytes", "lastSeenAt", "agentVersion", "updatedAt")
     VALUES ($1, $2, 'zone-a', $3, $4, $5, 16, 68719476736, 500000000000, now(), '0.1.0', now())`,
    [id, name, opts.status ?? "Ready", opts.cordoned ?? false, createHash("sha256").update(credential).digest("hex")],
  );
  insertedHosts.push(id);
  return { id, name, credential };
}

/** Revokes every host this test file inserted (revoked hosts are neither listed nor scheduled). */
export async function revokeInsertedHosts(databaseUrl: string): Promise<void> {
  const ids = insertedHosts.splice(0);
  if (ids.length) await sql(databaseUrl, `UPDATE "Host" SET "revokedAt" = now(), status = 'Unreachable' WHERE id = ANY($1)`, [ids]);
}

import { authenticate } from "../auth/principal";
import { verifyLogin } from "../auth/login";
import { hashSecret } from "../auth/secrets";
import { db } from "../db";
import { AppError } from "../errors";
import { grant, namespaceOf, parseScopes, type TRegistrySubject } from "./scopes";
import { signRegistryToken, type TIssuedToken } from "./token";
import { tokenSigner } from "./runtime";
import { repositoryOfReference } from "./policy";

function parseBasic(header: string | null): { user: string; password: string } | null {
  const b64 = header?.match(/^Basic\s+(\S+)$/i)?.[1];
  if (!b64) return null;
  const decoded = Buffer.from(b64, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Repositories of the images of the sets placed on a host: all its agent may pull. */
async function hostPullable(hostId: string): Promise<Set<string>> {
  const rows = await db().container.findMany({ where: { set: { hostId, deletedAt: null } }, select: { image: true }, distinct: ["image"] });
  const out = new Set<string>();
  for (const r of rows) {
    const repo = repositoryOfReference(r.image);
    if (repo) out.add(repo);
  }
  return out;
}

/**
 * Who is asking, from `docker login` credentials: an account's email with an API token or its
 * password, or an agent with its host credential (any user name).
 */
export async function registrySubject(authorization: string | null, ip: string | null, namespaces: string[]): Promise<TRegistrySubject> {
  const basic = parseBasic(authorization);
  if (!basic) throw new AppError("UNAUTHENTICATED", "Log in with your email and an API token: docker login <registry>");
  if (basic.password.startsWith("berth_host_")) {
    const host = await db().host.findUnique({ where: { credentialHash: hashSecret(basic.password) } });
    if (!host || host.revokedAt) throw new AppError("UNAUTHENTICATED", "Unknown or revoked host credential");
    return { kind: "host", name: `host:${host.name}`, pullable: await hostPullable(host.id) };
  }
  let userId: string;
  let email: string;
  let isAdmin: boolean;
  if (basic.password.startsWith("berth_")) {
    const p = await authenticate({ authorization: `Bearer ${basic.password}`, cookieHeader: null, origin: null, ip, requireOrigin: false });
    if (p.email.toLowerCase() !== basic.user.trim().toLowerCase()) throw new AppError("UNAUTHENTICATED", "That API token belongs to another account");
    ({ userId, email, isAdmin } = p);
  } else {
    const u = await verifyLogin(basic.user, basic.password, ip);
    ({ id: userId, email, isAdmin } = u);
  }
  // Only the teams the token is asked for: a login (no scope) or a library pull reads none.
  const teams = await db().team.findMany({ where: { slug: { in: namespaces } }, select: { slug: true, memberships: { where: { userId }, select: { role: true } } } });
  const roles = new Map(teams.flatMap((t) => (t.memberships[0] ? [[t.slug, t.memberships[0].role] as const] : [])));
  return { kind: "user", name: email, isAdmin, roles, teams: new Set(teams.map((t) => t.slug)) };
}

/** Docker's token endpoint: the scopes asked for, cut down to what the subject may do. */
export async function issueRegistryToken(authorization: string | null, ip: string | null, scopes: string[]): Promise<TIssuedToken> {
  const requested = parseScopes(scopes);
  const subject = await registrySubject(authorization, ip, [...new Set(requested.map((r) => namespaceOf(r.name)))]);
  return signRegistryToken(await tokenSigner(), subject.name, grant(subject, requested));
}

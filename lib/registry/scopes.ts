/**
 * Docker registry token scopes (`repository:team-a/web:pull,push`) and who gets which actions.
 * Pure: the route gathers the subject's roles, this decides.
 */
export type TTeamRoleName = "OWNER" | "MEMBER" | "VIEWER";

export interface TAccess {
  type: string;
  name: string;
  actions: string[];
}

export type TRegistrySubject =
  | { kind: "user"; name: string; isAdmin: boolean; roles: ReadonlyMap<string, TTeamRoleName>; teams: ReadonlySet<string> }
  | { kind: "host"; name: string; pullable: ReadonlySet<string> }
  | { kind: "console"; name: string };

export const LIBRARY = "library";

/** One scope string; several may come space-separated in one `scope` parameter. */
export function parseScopes(raw: string[]): TAccess[] {
  const out: TAccess[] = [];
  for (const part of raw.flatMap((r) => r.split(" ")).filter(Boolean)) {
    const first = part.indexOf(":");
    const last = part.lastIndexOf(":");
    if (first <= 0 || last <= first) continue;
    const actions = part.slice(last + 1).split(",").filter(Boolean);
    out.push({ type: part.slice(0, first), name: part.slice(first + 1, last), actions });
  }
  return out;
}

export function namespaceOf(repository: string): string {
  return repository.split("/")[0] ?? "";
}

function allowedActions(subject: TRegistrySubject, access: TAccess): string[] {
  if (subject.kind === "console") return access.actions;
  if (access.type === "registry") {
    return subject.kind === "user" && subject.isAdmin && access.name === "catalog" ? access.actions.filter((a) => a === "*") : [];
  }
  if (access.type !== "repository") return [];
  const ns = namespaceOf(access.name);
  // A repository is always <namespace>/<name>: a bare `web` belongs to no team.
  if (!access.name.includes("/")) return [];
  if (subject.kind === "host") {
    return subject.pullable.has(access.name) || ns === LIBRARY ? access.actions.filter((a) => a === "pull") : [];
  }
  let granted: string[] = [];
  if (ns === LIBRARY) granted = subject.isAdmin ? ["pull", "push", "delete"] : ["pull"];
  else if (subject.teams.has(ns)) {
    const role = subject.roles.get(ns);
    if (subject.isAdmin || role === "OWNER" || role === "MEMBER") granted = ["pull", "push"];
    else if (role === "VIEWER") granted = ["pull"];
  }
  return access.actions.filter((a) => granted.includes(a) || (a === "*" && subject.kind === "user" && subject.isAdmin));
}

/** What the token will carry: each requested scope cut down to what the subject may do (maybe nothing). */
export function grant(subject: TRegistrySubject, requested: TAccess[]): TAccess[] {
  const out: TAccess[] = [];
  for (const r of requested) {
    const actions = allowedActions(subject, r);
    if (actions.length) out.push({ type: r.type, name: r.name, actions });
  }
  return out;
}

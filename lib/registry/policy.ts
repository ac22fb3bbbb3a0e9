import { LIBRARY } from "./scopes";

/**
 * Which images a team may run, and how a reference names Berth's registry. Pure: callers pass the
 * registry's host and the admin's allow-list.
 */
export interface TParsedReference {
  /** `host[:port]` when the reference names one (Docker's rule: a first part with `.` or `:`, or localhost). */
  domain: string | null;
  path: string;
  tag: string | null;
  digest: string | null;
}

export function parseReference(ref: string): TParsedReference {
  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let domain: string | null = null;
  const slash = rest.indexOf("/");
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      domain = first.toLowerCase();
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { domain, path: rest, tag, digest };
}

export type TImageDecision =
  | { kind: "berth"; repository: string; tag: string; digest: string | null }
  | { kind: "extra"; reference: string }
  | { kind: "refused"; message: string };

export interface TImagePolicy {
  teamSlug: string;
  /** Berth's registry as references name it; null when there is none (then only allow-listed registries are open). */
  registryHost: string | null;
  extraRegistries: readonly string[];
}

export function decideImage(ref: string, policy: TImagePolicy): TImageDecision {
  const p = parseReference(ref);
  const berthHost = policy.registryHost?.toLowerCase() ?? null;
  if (p.domain && p.domain !== berthHost) {
    if (policy.extraRegistries.includes(p.domain)) return { kind: "extra", reference: ref };
    return {
      kind: "refused",
      message: `registry ${p.domain} is not allowed: use ${policy.teamSlug}/<repo>:<tag> or library/<repo>:<tag> from Berth's registry (an admin may allow a registry with BERTH_EXTRA_REGISTRIES)`,
    };
  }
  if (!berthHost) {
    return { kind: "refused", message: "this console has no registry to run team images from (see the Images page); only allow-listed registries can be used" };
  }
  const ns = p.path.split("/")[0] ?? "";
  if (!p.path.includes("/") || (ns !== policy.teamSlug && ns !== LIBRARY)) {
    const whose = p.path.includes("/") ? ` (${ns} is not your team's namespace)` : "";
    return { kind: "refused", message: `an image must be ${policy.teamSlug}/<repo>:<tag> or library/<repo>:<tag>${whose}` };
  }
  return { kind: "berth", repository: p.path, tag: p.tag ?? "latest", digest: p.digest };
}

/** `team-a/web` from any reference into Berth's registry (stored references are unqualified). */
export function repositoryOfReference(ref: string): string | null {
  const p = parseReference(ref);
  return p.path.includes("/") ? p.path : null;
}

/** What the agent runs: the registry host, the repository, the pinned digest. */
export function pinnedReference(registryHost: string, repository: string, digest: string): string {
  return `${registryHost}/${repository}@${digest}`;
}

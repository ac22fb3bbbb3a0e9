import { z, type ZodType } from "zod";
import * as api from "./api";
import * as apps from "./apps";
import * as events from "./events";
import * as images from "./images";
import * as metrics from "./metrics";
import * as streams from "./streams";

type TMethod = "get" | "post" | "patch" | "delete";

export interface TEndpoint {
  method: TMethod;
  path: string;
  summary: string;
  auth: "none" | "user" | "admin";
  body?: ZodType;
  query?: ZodType;
  response?: ZodType;
  status?: number;
}

/**
 * The published surface. Handlers import the same schemas, and a test checks that every route
 * file under app/api is listed here and nothing listed is missing a handler.
 */
export const ENDPOINTS: TEndpoint[] = [
  { method: "get", path: "/api/health", summary: "Database and agent health", auth: "none", response: api.ZHealth },
  { method: "get", path: "/api/v1/openapi.json", summary: "This document", auth: "none" },
  { method: "post", path: "/api/v1/auth/token", summary: "Exchange email and password for an API token (rate-limited)", auth: "none", body: api.ZTokenLogin, response: api.ZTokenCreated, status: 201 },
  { method: "get", path: "/api/v1/auth/tokens", summary: "The caller's API tokens", auth: "user", response: z.array(api.ZTokenInfo) },
  { method: "post", path: "/api/v1/auth/tokens", summary: "Create an API token for the caller (shown once)", auth: "user", body: api.ZTokenCreate, response: api.ZTokenCreated, status: 201 },
  { method: "delete", path: "/api/v1/auth/tokens/{id}", summary: "Revoke an API token", auth: "user" },
  { method: "get", path: "/api/v1/me", summary: "The caller and their teams", auth: "user", response: api.ZMe },
  { method: "get", path: "/api/v1/teams", summary: "Teams the caller belongs to (admins: all)", auth: "user", response: z.array(api.ZTeam) },
  { method: "post", path: "/api/v1/teams", summary: "Create a team with its quota", auth: "admin", body: api.ZTeamCreate, response: api.ZTeam, status: 201 },
  { method: "get", path: "/api/v1/teams/{team}", summary: "One team", auth: "user", response: api.ZTeam },
  { method: "get", path: "/api/v1/teams/{team}/members", summary: "Members of a team", auth: "user", response: z.array(api.ZMember) },
  { method: "post", path: "/api/v1/teams/{team}/members", summary: "Add a member (creates the user when a password is given)", auth: "user", body: api.ZMemberAdd, response: api.ZMember, status: 201 },
  { method: "patch", path: "/api/v1/teams/{team}/members/{userId}", summary: "Change a member's role", auth: "user", body: api.ZMemberUpdate, response: api.ZMember },
  { method: "delete", path: "/api/v1/teams/{team}/members/{userId}", summary: "Remove a member", auth: "user" },
  { method: "get", path: "/api/v1/teams/{team}/quota", summary: "Quota limits and usage", auth: "user", response: api.ZQuota },
  { method: "post", path: "/api/v1/teams/{team}/quota-requests", summary: "Ask for new quota limits, with a reason", auth: "user", body: api.ZQuotaRequestCreate, response: api.ZQuotaRequest, status: 201 },
  { method: "get", path: "/api/v1/quota-requests", summary: "Quota requests (admins: all; others: their teams')", auth: "user", query: api.ZQuotaRequestQuery, response: z.array(api.ZQuotaRequest) },
  { method: "get", path: "/api/v1/quota-requests/{id}", summary: "One quota request", auth: "user", response: api.ZQuotaRequest },
  { method: "post", path: "/api/v1/quota-requests/{id}/approve", summary: "Approve: the new limits apply once; a decided request answers 409", auth: "admin", body: api.ZQuotaDecision, response: api.ZQuotaRequest },
  { method: "post", path: "/api/v1/quota-requests/{id}/reject", summary: "Reject with a note; a decided request answers 409", auth: "admin", body: api.ZQuotaDecision, response: api.ZQuotaRequest },
  { method: "get", path: "/api/v1/users", summary: "All users", auth: "admin", response: z.array(api.ZUser) },
  { method: "patch", path: "/api/v1/users/{id}", summary: "Disable, enable or promote a user", auth: "admin", body: api.ZUserUpdate, response: api.ZUser },
  { method: "get", path: "/api/v1/audit", summary: "Who did what, when", auth: "user", query: api.ZAuditQuery, response: z.array(api.ZAuditEvent) },
  { method: "get", path: "/api/v1/hosts", summary: "Hosts with capacity and allocation", auth: "admin", response: z.array(api.ZHost) },
  { method: "post", path: "/api/v1/hosts/enrollment-tokens", summary: "One-use, expiring token for a new host's agent", auth: "admin", body: api.ZEnrollmentTokenCreate, response: api.ZEnrollmentToken, status: 201 },
  { method: "post", path: "/api/v1/hosts/enroll", summary: "An agent exchanges its enrollment token for a host credential", auth: "none", body: events.ZEnrollRequest, response: events.ZEnrollResponse, status: 201 },
  { method: "get", path: "/api/v1/agent/download", summary: "The agent bundle (one JavaScript file for Node >= 20); headers X-Berth-Agent-Version and X-Checksum-Sha256", auth: "none" },
  { method: "get", path: "/api/v1/agent/install.sh", summary: "POSIX sh installer: checks Docker and Node, downloads and verifies the bundle, writes agent.env (0600) and a systemd unit, or runs it with --foreground", auth: "none" },
  { method: "delete", path: "/api/v1/hosts/{id}", summary: "Revoke a host: its agent's credential is refused from now on", auth: "admin" },
  { method: "post", path: "/api/v1/hosts/{id}/cordon", summary: "Stop placing new sets on a host", auth: "admin" },
  { method: "post", path: "/api/v1/hosts/{id}/drain", summary: "Cordon, then move every set elsewhere one at a time (202 with an operation id)", auth: "admin", response: api.ZDrainStarted, status: 202 },
  { method: "get", path: "/api/v1/operations/{id}", summary: "Progress of a long operation (drain)", auth: "user", response: api.ZOperationView },
  { method: "post", path: "/api/v1/hosts/{id}/upgrade", summary: "The host's agent replaces itself with the bundle this console serves (checksum-verified, test-started, rolled back if it dies) and restarts; containers keep running. Audited", auth: "admin", response: api.ZHostUpgraded },
  { method: "post", path: "/api/v1/hosts/upgrade", summary: "Upgrade every outdated agent, one host at a time, stopping at the first failure (202 with an operation id; progress = hosts upgraded)", auth: "admin", response: api.ZUpgradeStarted, status: 202 },
  { method: "post", path: "/api/v1/hosts/{id}/uncordon", summary: "Place sets on a host again", auth: "admin" },
  { method: "get", path: "/api/v1/teams/{team}/apps", summary: "Apps of a team with their sets", auth: "user", response: z.array(apps.ZAppView) },
  { method: "post", path: "/api/v1/teams/{team}/apps", summary: "Create an app: reserves quota, places and creates its sets", auth: "user", body: apps.ZAppCreateShape, response: apps.ZAppView, status: 201 },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}", summary: "One app with its sets and their states", auth: "user", response: apps.ZAppView },
  { method: "patch", path: "/api/v1/teams/{team}/apps/{app}", summary: "Scale ({replicas}: adds sets with quota reserved, or removes the newest) and/or resize online ({size}, {containers} shares: no restart), in one transaction", auth: "user", body: apps.ZAppPatch, response: apps.ZAppView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/canary", summary: "Replace one container's image in N (or the listed) sets; infra, IP and volume stay", auth: "user", body: apps.ZCanaryStart, response: apps.ZAppView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/canary/promote", summary: "Roll the canary image to every set, one at a time", auth: "user", response: apps.ZAppView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/canary/rollback", summary: "Restore the previous image in the canary's sets", auth: "user", response: apps.ZAppView },
  { method: "delete", path: "/api/v1/teams/{team}/apps/{app}", summary: "Remove every set of the app", auth: "user" },
  { method: "get", path: "/api/v1/teams/{team}/volumes", summary: "Volumes of a team; ?trashed=1 lists the recycle bin", auth: "user", query: apps.ZVolumeQuery, response: z.array(apps.ZVolumeView) },
  { method: "post", path: "/api/v1/teams/{team}/volumes/{id}/restore", summary: "Put a trashed volume back into a set of the same app (same host)", auth: "user", body: apps.ZVolumeRestoreBody, response: apps.ZVolumeView },
  { method: "delete", path: "/api/v1/teams/{team}/volumes/{id}", summary: "Purge a volume from the recycle bin", auth: "user" },
  { method: "get", path: "/api/v1/sets/{id}", summary: "A set: host, state, IP, containers with limits", auth: "user", response: apps.ZSetView },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}/sets/{name}", summary: "A set by its stable name `<app>-<n>`", auth: "user", response: apps.ZSetView },
  { method: "get", path: "/api/v1/registry", summary: "Berth's registry: where it is (for docker login/push) and the namespaces the caller may push and pull", auth: "user", response: images.ZRegistryView },
  { method: "get", path: "/api/v1/registry/token", summary: "Docker registry token auth: Basic email + API token (or password), or a host credential; `scope` params; answers a JWT cut down to what the caller may do", auth: "none", response: images.ZRegistryToken },
  { method: "post", path: "/api/v1/registry/events", summary: "The registry's notifications (push, delete), with the registry's shared secret; feed the image catalog", auth: "none" },
  { method: "get", path: "/api/v1/registry/cert", summary: "The certificate tokens are signed with (an external registry's auth.token.rootcertbundle)", auth: "none" },
  { method: "get", path: "/api/v1/teams/{team}/images", summary: "The team's repositories with tags, digests, sizes, pushers and the apps using them; storage with shared layers counted once; ?include=library adds the shared library repositories", auth: "user", query: images.ZTeamImagesQuery, response: images.ZTeamImages },
  { method: "get", path: "/api/v1/teams/{team}/images/{repository}", summary: "One repository of the team (a nested name URL-encoded: web%2Fapi)", auth: "user", response: images.ZImageRepository },
  { method: "post", path: "/api/v1/teams/{team}/images/upload", summary: "Upload a `docker save` or OCI-layout tarball (the raw body, application/x-tar) as <team>/<repository>:<tag>; streamed into the registry blob by blob; 413 past BERTH_IMAGE_UPLOAD_MAX_BYTES", auth: "user", query: images.ZImageUploadQuery, response: images.ZImageUploaded, status: 201 },
  { method: "delete", path: "/api/v1/teams/{team}/images/{repository}/tags/{tag}", summary: "Delete a tag (the registry deletes its manifest, so tags on the same digest go too); 409 while a set runs that digest", auth: "user", response: images.ZImageTagDeleted },
  { method: "get", path: "/api/v1/teams/{team}/network", summary: "The team's subnets per host (from Berth's address pool) and which set holds which address", auth: "user", response: apps.ZTeamNetwork },
  { method: "post", path: "/api/v1/sets/{id}/start", summary: "Start a set (infra first)", auth: "user", response: apps.ZSetView },
  { method: "post", path: "/api/v1/sets/{id}/stop", summary: "Stop a set (infra last)", auth: "user", response: apps.ZSetView },
  { method: "post", path: "/api/v1/sets/{id}/restart", summary: "Restart a set", auth: "user", response: apps.ZSetView },
  { method: "get", path: "/api/v1/sets/{id}/metrics", summary: "CPU, memory, network and block IO per container: 15m from the live 1 s window, 1h/24h/7d from per-minute rollups", auth: "user", query: metrics.ZMetricsQuery, response: metrics.ZMetricsHistory },
  { method: "get", path: "/api/metrics", summary: "The console's own Prometheus metrics (text exposition format)", auth: "admin" },
  { method: "get", path: "/api/v1/sets/{id}/containers/{name}/logs", summary: "A business container's logs as text/plain lines `<timestamp> <stdout|stderr> <text>`; follow=1 streams", auth: "user", query: streams.ZLogsQuery },
];

function schemaOf(s: ZodType, io: "input" | "output") {
  return z.toJSONSchema(s, { target: "openapi-3.0", io, unrepresentable: "any" });
}

function queryParameters(q: ZodType) {
  const schema = schemaOf(q, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: "query",
    required: schema.required?.includes(name) ?? false,
    schema: s,
  }));
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = schemaOf(api.ZErrorBody, "output");
  for (const e of ENDPOINTS) {
    const pathParams = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const ok = String(e.status ?? 200);
    const op: Record<string, unknown> = {
      summary: e.summary,
      security: e.auth === "none" ? [] : [{ bearer: [] }, { session: [] }],
      parameters: [...pathParams, ...(e.query ? queryParameters(e.query) : [])],
      responses: {
        [ok]: { description: "OK", ...(e.response ? { content: { "application/json": { schema: schemaOf(e.response, "output") } } } : {}) },
        default: { description: "Error", content: { "application/json": { schema: errorSchema } } },
      },
    };
    if (e.auth === "admin") op.description = "Platform admins only.";
    if (e.body) op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(e.body, "input") } } };
    paths[e.path] ??= {};
    paths[e.path][e.method] = op;
  }
  return {
    openapi: "3.0.3",
    info: { title: "Berth API", version: "1" },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token from POST /api/v1/auth/token or the Tokens page" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
    },
    paths,
  };
}

import { z, type ZodType } from "zod";
import * as api from "./api";
import * as apps from "./apps";
import * as autoscale from "./autoscale";
import * as events from "./events";
import * as images from "./images";
import * as metrics from "./metrics";
import { ALERT_ENDPOINTS } from "./openapi-alerts";
import * as streams from "./streams";

type TMethod = "get" | "post" | "put" | "patch" | "delete";

export interface TEndpoint {
  method: TMethod;
  path: string;
  /** Stable name for generated clients (createApp, listSets…): never change a published one. */
  operationId: string;
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
  { method: "get", path: "/api/health", operationId: "getHealth", summary: "Database and agent health", auth: "none", response: api.ZHealth },
  { method: "get", path: "/api/v1/openapi.json", operationId: "getOpenApiDocument", summary: "This document", auth: "none" },
  { method: "post", path: "/api/v1/auth/token", operationId: "createTokenWithPassword", summary: "Exchange email and password for an API token (rate-limited)", auth: "none", body: api.ZTokenLogin, response: api.ZTokenCreated, status: 201 },
  { method: "get", path: "/api/v1/auth/tokens", operationId: "listTokens", summary: "The caller's API tokens", auth: "user", response: z.array(api.ZTokenInfo) },
  { method: "post", path: "/api/v1/auth/tokens", operationId: "createToken", summary: "Create an API token for the caller (shown once)", auth: "user", body: api.ZTokenCreate, response: api.ZTokenCreated, status: 201 },
  { method: "delete", path: "/api/v1/auth/tokens/{id}", operationId: "revokeToken", summary: "Revoke an API token", auth: "user" },
  { method: "get", path: "/api/v1/me", operationId: "getMe", summary: "The caller and their teams", auth: "user", response: api.ZMe },
  { method: "get", path: "/api/v1/teams", operationId: "listTeams", summary: "Teams the caller belongs to (admins: all)", auth: "user", response: z.array(api.ZTeam) },
  { method: "post", path: "/api/v1/teams", operationId: "createTeam", summary: "Create a team with its quota", auth: "admin", body: api.ZTeamCreate, response: api.ZTeam, status: 201 },
  { method: "get", path: "/api/v1/teams/{team}", operationId: "getTeam", summary: "One team", auth: "user", response: api.ZTeam },
  { method: "get", path: "/api/v1/teams/{team}/members", operationId: "listMembers", summary: "Members of a team", auth: "user", response: z.array(api.ZMember) },
  { method: "post", path: "/api/v1/teams/{team}/members", operationId: "addMember", summary: "Add an existing user as a member (admins only: create the user with a password)", auth: "user", body: api.ZMemberAdd, response: api.ZMember, status: 201 },
  { method: "get", path: "/api/v1/teams/{team}/invitations", operationId: "listInvitations", summary: "Pending invitations into a team (owners)", auth: "user", response: z.array(api.ZInvite) },
  { method: "post", path: "/api/v1/teams/{team}/invitations", operationId: "createInvitation", summary: "Invite an email into a team: a one-use link, shown once, through which the invitee sets their own password or signs in", auth: "user", body: api.ZInviteCreate, response: api.ZAccountLinkCreated, status: 201 },
  { method: "delete", path: "/api/v1/teams/{team}/invitations/{id}", operationId: "revokeInvitation", summary: "Revoke a pending invitation", auth: "user" },
  { method: "get", path: "/api/v1/invitations/{token}", operationId: "getInvitation", summary: "What an invitation or reset link is for (the same answer whether or not the email has an account)", auth: "none", response: api.ZAccountLinkInfo },
  { method: "post", path: "/api/v1/invitations/{token}", operationId: "acceptInvitation", summary: "Use a link: set a new password, or join the team with an existing account's password", auth: "none", body: api.ZAccountLinkAccept, response: api.ZAccountLinkAccepted },
  { method: "post", path: "/api/v1/me/password", operationId: "changePassword", summary: "Change the caller's password; optionally sign out every other session and revoke every other token", auth: "user", body: api.ZPasswordChange, response: api.ZPasswordChanged },
  { method: "patch", path: "/api/v1/teams/{team}/members/{userId}", operationId: "updateMember", summary: "Change a member's role", auth: "user", body: api.ZMemberUpdate, response: api.ZMember },
  { method: "delete", path: "/api/v1/teams/{team}/members/{userId}", operationId: "removeMember", summary: "Remove a member", auth: "user" },
  { method: "get", path: "/api/v1/teams/{team}/quota", operationId: "getQuota", summary: "Quota limits and usage", auth: "user", response: api.ZQuota },
  { method: "post", path: "/api/v1/teams/{team}/quota-requests", operationId: "createQuotaRequest", summary: "Ask for new quota limits, with a reason", auth: "user", body: api.ZQuotaRequestCreate, response: api.ZQuotaRequest, status: 201 },
  { method: "get", path: "/api/v1/quota-requests", operationId: "listQuotaRequests", summary: "Quota requests (admins: all; others: their teams')", auth: "user", query: api.ZQuotaRequestQuery, response: z.array(api.ZQuotaRequest) },
  { method: "get", path: "/api/v1/quota-requests/{id}", operationId: "getQuotaRequest", summary: "One quota request", auth: "user", response: api.ZQuotaRequest },
  { method: "post", path: "/api/v1/quota-requests/{id}/approve", operationId: "approveQuotaRequest", summary: "Approve: the new limits apply once; a decided request answers 409", auth: "admin", body: api.ZQuotaDecision, response: api.ZQuotaRequest },
  { method: "post", path: "/api/v1/quota-requests/{id}/reject", operationId: "rejectQuotaRequest", summary: "Reject with a note; a decided request answers 409", auth: "admin", body: api.ZQuotaDecision, response: api.ZQuotaRequest },
  { method: "get", path: "/api/v1/users", operationId: "listUsers", summary: "All users", auth: "admin", response: z.array(api.ZUser) },
  { method: "post", path: "/api/v1/users", operationId: "createUser", summary: "Create an account; without a password, a one-use link through which the user sets their own", auth: "admin", body: api.ZUserCreate, response: api.ZUserCreated, status: 201 },
  { method: "post", path: "/api/v1/users/{id}/password-reset", operationId: "resetUserPassword", summary: "Force a password reset: the old password, sessions and tokens stop working; a one-use link is returned", auth: "admin", response: api.ZAccountLinkCreated, status: 201 },
  { method: "patch", path: "/api/v1/users/{id}", operationId: "updateUser", summary: "Disable, enable or promote a user", auth: "admin", body: api.ZUserUpdate, response: api.ZUser },
  { method: "get", path: "/api/v1/audit", operationId: "listAuditEvents", summary: "Who did what, when", auth: "user", query: api.ZAuditQuery, response: z.array(api.ZAuditEvent) },
  { method: "get", path: "/api/v1/hosts", operationId: "listHosts", summary: "Hosts with capacity and allocation", auth: "admin", response: z.array(api.ZHost) },
  { method: "post", path: "/api/v1/hosts/enrollment-tokens", operationId: "createEnrollmentToken", summary: "One-use, expiring token for a new host's agent", auth: "admin", body: api.ZEnrollmentTokenCreate, response: api.ZEnrollmentToken, status: 201 },
  { method: "post", path: "/api/v1/hosts/enroll", operationId: "enrollHost", summary: "An agent exchanges its enrollment token for a host credential", auth: "none", body: events.ZEnrollRequest, response: events.ZEnrollResponse, status: 201 },
  { method: "get", path: "/api/v1/agent/download", operationId: "downloadAgent", summary: "The agent bundle (one JavaScript file for Node >= 20); headers X-Berth-Agent-Version and X-Checksum-Sha256", auth: "none" },
  { method: "get", path: "/api/v1/agent/install.sh", operationId: "getAgentInstallScript", summary: "POSIX sh installer: checks Docker and Node, downloads and verifies the bundle, writes agent.env (0600) and a systemd unit, or runs it with --foreground", auth: "none" },
  { method: "delete", path: "/api/v1/hosts/{id}", operationId: "revokeHost", summary: "Revoke a host: its agent's credential is refused from now on", auth: "admin" },
  { method: "post", path: "/api/v1/hosts/{id}/cordon", operationId: "cordonHost", summary: "Stop placing new sets on a host", auth: "admin" },
  { method: "post", path: "/api/v1/hosts/{id}/drain", operationId: "drainHost", summary: "Cordon, then move every set elsewhere one at a time (202 with an operation id)", auth: "admin", response: api.ZDrainStarted, status: 202 },
  { method: "get", path: "/api/v1/operations/{id}", operationId: "getOperation", summary: "Progress of a long operation (drain)", auth: "user", response: api.ZOperationView },
  { method: "post", path: "/api/v1/hosts/{id}/upgrade", operationId: "upgradeHostAgent", summary: "The host's agent replaces itself with the bundle this console serves (checksum-verified, test-started, rolled back if it dies) and restarts; containers keep running. Audited", auth: "admin", response: api.ZHostUpgraded },
  { method: "post", path: "/api/v1/hosts/upgrade", operationId: "upgradeAllAgents", summary: "Upgrade every outdated agent, one host at a time, stopping at the first failure (202 with an operation id; progress = hosts upgraded)", auth: "admin", response: api.ZUpgradeStarted, status: 202 },
  { method: "post", path: "/api/v1/hosts/{id}/uncordon", operationId: "uncordonHost", summary: "Place sets on a host again", auth: "admin" },
  { method: "get", path: "/api/v1/teams/{team}/apps", operationId: "listApps", summary: "Apps of a team with their sets", auth: "user", response: z.array(apps.ZAppView) },
  { method: "post", path: "/api/v1/teams/{team}/apps", operationId: "createApp", summary: "Create an app: reserves quota, places and creates its sets", auth: "user", body: apps.ZAppCreateShape, response: apps.ZAppView, status: 201 },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}", operationId: "getApp", summary: "One app with its sets and their states", auth: "user", response: apps.ZAppView },
  { method: "patch", path: "/api/v1/teams/{team}/apps/{app}", operationId: "updateApp", summary: "Scale ({replicas}: adds sets with quota reserved, or removes the newest) and/or resize online ({size}, {containers} shares: no restart), in one transaction", auth: "user", body: apps.ZAppPatch, response: apps.ZAppView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/canary", operationId: "startCanary", summary: "Replace one container's image in N (or the listed) sets; infra, IP and volume stay", auth: "user", body: apps.ZCanaryStart, response: apps.ZAppView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/canary/promote", operationId: "promoteCanary", summary: "Roll the canary image to every set, one at a time", auth: "user", response: apps.ZAppView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/canary/rollback", operationId: "rollbackCanary", summary: "Restore the previous image in the canary's sets", auth: "user", response: apps.ZAppView },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}/autoscale", operationId: "getAutoscale", summary: "The app's autoscale policy, the leader's last measurement and decision, and whether a scale-out is blocked (404: autoscaling is off)", auth: "user", response: autoscale.ZAutoscaleView },
  { method: "put", path: "/api/v1/teams/{team}/apps/{app}/autoscale", operationId: "putAutoscale", summary: "Switch autoscaling on or change it: min/max sets, CPU (and memory) target in percent of the sets' limits, scale-out and scale-in stabilisation. Members and owners; audited", auth: "user", body: autoscale.ZAutoscalePut, response: autoscale.ZAutoscaleView },
  { method: "delete", path: "/api/v1/teams/{team}/apps/{app}/autoscale", operationId: "deleteAutoscale", summary: "Switch autoscaling off; the app keeps its current replica count. Audited", auth: "user" },
  { method: "delete", path: "/api/v1/teams/{team}/apps/{app}", operationId: "deleteApp", summary: "Remove every set of the app", auth: "user" },
  { method: "get", path: "/api/v1/teams/{team}/volumes", operationId: "listVolumes", summary: "Volumes of a team; ?trashed=1 lists the recycle bin", auth: "user", query: apps.ZVolumeQuery, response: z.array(apps.ZVolumeView) },
  { method: "post", path: "/api/v1/teams/{team}/volumes/{id}/restore", operationId: "restoreVolume", summary: "Put a trashed volume back into a set of the same app (same host)", auth: "user", body: apps.ZVolumeRestoreBody, response: apps.ZVolumeView },
  { method: "delete", path: "/api/v1/teams/{team}/volumes/{id}", operationId: "purgeVolume", summary: "Purge a volume from the recycle bin", auth: "user" },
  { method: "get", path: "/api/v1/sets/{id}", operationId: "getSet", summary: "A set: host, state, IP, containers with limits", auth: "user", response: apps.ZSetView },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}/sets/{name}", operationId: "getSetByName", summary: "A set by its stable name `<app>-<n>`", auth: "user", response: apps.ZSetView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/sets/{name}/start", operationId: "startSetByName", summary: "Start a set named `<app>-<n>` (as POST /api/v1/sets/{id}/start)", auth: "user", response: apps.ZSetView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/sets/{name}/stop", operationId: "stopSetByName", summary: "Stop a set named `<app>-<n>` (as POST /api/v1/sets/{id}/stop)", auth: "user", response: apps.ZSetView },
  { method: "post", path: "/api/v1/teams/{team}/apps/{app}/sets/{name}/restart", operationId: "restartSetByName", summary: "Restart a set named `<app>-<n>` (as POST /api/v1/sets/{id}/restart)", auth: "user", response: apps.ZSetView },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}/sets/{name}/metrics", operationId: "getSetMetricsByName", summary: "Metrics of a set named `<app>-<n>` (as GET /api/v1/sets/{id}/metrics)", auth: "user", query: metrics.ZMetricsQuery, response: metrics.ZMetricsHistory },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}/sets/{name}/logs", operationId: "getSetLogsByName", summary: "Merged logs of a set named `<app>-<n>` (as GET /api/v1/sets/{id}/logs)", auth: "user", query: streams.ZLogsQuery },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}/sets/{name}/containers/{container}/logs", operationId: "getContainerLogsByName", summary: "A container's logs in a set named `<app>-<n>` (as GET /api/v1/sets/{id}/containers/{name}/logs)", auth: "user", query: streams.ZLogsQuery },
  { method: "get", path: "/api/v1/registry", operationId: "getRegistry", summary: "Berth's registry: where it is (for docker login/push) and the namespaces the caller may push and pull", auth: "user", response: images.ZRegistryView },
  { method: "get", path: "/api/v1/registry/token", operationId: "getRegistryToken", summary: "Docker registry token auth: Basic email + API token (or password), or a host credential; `scope` params; answers a JWT cut down to what the caller may do", auth: "none", response: images.ZRegistryToken },
  { method: "post", path: "/api/v1/registry/events", operationId: "receiveRegistryEvents", summary: "The registry's notifications (push, delete), with the registry's shared secret; feed the image catalog", auth: "none" },
  { method: "get", path: "/api/v1/registry/cert", operationId: "getRegistryCertificate", summary: "The certificate tokens are signed with (an external registry's auth.token.rootcertbundle)", auth: "none" },
  { method: "get", path: "/api/v1/teams/{team}/images", operationId: "listImages", summary: "The team's repositories with tags, digests, sizes, pushers and the apps using them; storage with shared layers counted once; ?include=library adds the shared library repositories", auth: "user", query: images.ZTeamImagesQuery, response: images.ZTeamImages },
  { method: "get", path: "/api/v1/teams/{team}/images/{repository}", operationId: "getImageRepository", summary: "One repository of the team (a nested name URL-encoded: web%2Fapi)", auth: "user", response: images.ZImageRepository },
  { method: "post", path: "/api/v1/teams/{team}/images/upload", operationId: "uploadImage", summary: "Upload a `docker save` or OCI-layout tarball (the raw body, application/x-tar) as <team>/<repository>:<tag>; streamed into the registry blob by blob; 413 past BERTH_IMAGE_UPLOAD_MAX_BYTES", auth: "user", query: images.ZImageUploadQuery, response: images.ZImageUploaded, status: 201 },
  { method: "delete", path: "/api/v1/teams/{team}/images/{repository}/tags/{tag}", operationId: "deleteImageTag", summary: "Delete a tag (the registry deletes its manifest, so tags on the same digest go too); 409 while a set runs that digest", auth: "user", response: images.ZImageTagDeleted },
  { method: "get", path: "/api/v1/teams/{team}/network", operationId: "getTeamNetwork", summary: "The team's subnets per host (from Berth's address pool) and which set holds which address", auth: "user", response: apps.ZTeamNetwork },
  { method: "post", path: "/api/v1/sets/{id}/start", operationId: "startSet", summary: "Start a set (infra first)", auth: "user", response: apps.ZSetView },
  { method: "post", path: "/api/v1/sets/{id}/stop", operationId: "stopSet", summary: "Stop a set (infra last)", auth: "user", response: apps.ZSetView },
  { method: "post", path: "/api/v1/sets/{id}/restart", operationId: "restartSet", summary: "Restart a set", auth: "user", response: apps.ZSetView },
  { method: "post", path: "/api/v1/sets/{id}/recover", operationId: "recoverSet", summary: "Admin: place a set waiting for its lost host (Pending: volume on unreachable host …) on another host with an empty volume; its data stays on the lost host (recycle bin if it returns). Audited", auth: "admin", body: apps.ZSetRecoverBody, response: apps.ZSetView },
  { method: "get", path: "/api/v1/sets/{id}/metrics", operationId: "getSetMetrics", summary: "CPU, memory, network and block IO per container: 15m from the live 1 s window, 1h/24h/7d from per-minute rollups", auth: "user", query: metrics.ZMetricsQuery, response: metrics.ZMetricsHistory },
  { method: "get", path: "/api/metrics", operationId: "getConsoleMetrics", summary: "The console's own Prometheus metrics (text exposition format)", auth: "admin" },
  { method: "get", path: "/api/v1/sets/{id}/containers/{name}/logs", operationId: "getContainerLogs", summary: "A business container's logs as text/plain lines `<timestamp> <stdout|stderr|event> <text>` (event: Berth's note that the container stopped or restarted); follow=1 streams at once and across restarts", auth: "user", query: streams.ZLogsQuery },
  { method: "get", path: "/api/v1/sets/{id}/logs", operationId: "getSetLogs", summary: "Every business container of a set merged, as text/plain lines `<timestamp> <container> <stdout|stderr|event> <text>`; follow=1 streams", auth: "user", query: streams.ZLogsQuery },
  { method: "get", path: "/api/v1/teams/{team}/apps/{app}/logs", operationId: "getAppLogs", summary: "Every business container of every placed set of an app merged (at most 64), as text/plain lines `<timestamp> <set>/<container> <stdout|stderr|event> <text>`; follow=1 streams", auth: "user", query: streams.ZLogsQuery },
  ...ALERT_ENDPOINTS,
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

/** Answers other than success, each with the error body; which ones an operation can give. */
const ERROR_RESPONSES = {
  "400": "The body, query or a path parameter is invalid (details.issues names the fields)",
  "401": "No valid credentials: sign in or send an API token",
  "403": "Signed in, but the role does not allow this (or a cookie write from another origin)",
  "404": "No such object, or one the caller may not see",
  "409": "Conflicts with the current state (the message says which)",
  "413": "The request body is over BERTH_MAX_BODY_BYTES",
  "422": "Over the team's quota or the fleet's capacity",
  "429": "Too many attempts or open streams; Retry-After or the message says when or which cap",
} as const;
type TErrorStatus = keyof typeof ERROR_RESPONSES;

/** Endpoints that count attempts or open streams, and so may answer 429. */
const LIMITED = new Set(["createTokenWithPassword", "acceptInvitation", "changePassword", "getRegistryToken", "getContainerLogs", "getSetLogs", "getAppLogs"]);
/** Endpoints that reserve quota or capacity, and so may answer 422. */
const RESERVING = new Set(["createApp", "updateApp", "startCanary", "restoreVolume", "startSet", "restartSet", "approveQuotaRequest"]);

function errorStatuses(e: TEndpoint): TErrorStatus[] {
  const out = new Set<TErrorStatus>(["413"]);
  if (e.body || e.query || e.path.includes("{")) out.add("400");
  if (e.auth !== "none") {
    out.add("401");
    out.add("403");
  }
  if (e.path.includes("{")) out.add("404");
  if (e.method !== "get" && e.auth !== "none") out.add("409");
  if (RESERVING.has(e.operationId)) out.add("422");
  if (LIMITED.has(e.operationId)) out.add("429");
  return [...out].sort();
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = schemaOf(api.ZErrorBody, "output");
  for (const e of ENDPOINTS) {
    const pathParams = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const ok = String(e.status ?? 200);
    const op: Record<string, unknown> = {
      operationId: e.operationId,
      summary: e.summary,
      security: e.auth === "none" ? [] : [{ bearer: [] }, { session: [] }],
      parameters: [...pathParams, ...(e.query ? queryParameters(e.query) : [])],
      responses: {
        [ok]: { description: "OK", ...(e.response ? { content: { "application/json": { schema: schemaOf(e.response, "output") } } } : {}) },
        ...Object.fromEntries(errorStatuses(e).map((status) => [status, { $ref: `#/components/responses/Error${status}` }])),
        default: { $ref: "#/components/responses/Error" },
      },
    };
    if (e.auth === "admin") op.description = "Platform admins only.";
    if (e.body) op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(e.body, "input") } } };
    paths[e.path] ??= {};
    paths[e.path][e.method] = op;
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Berth API",
      version: "1",
      description: "Teams run container sets on a fleet of Docker hosts. Every error answers `{error: {code, message, details?}}`.",
      // Relative, like the server: the installation that serves the API states its terms.
      license: { name: "Proprietary: the terms of this Berth installation", url: "/" },
    },
    // Relative: the console that served this document, under whatever name it was reached.
    servers: [{ url: "/", description: "This console" }],
    components: {
      responses: {
        ...Object.fromEntries(
          Object.entries(ERROR_RESPONSES).map(([status, description]) => [`Error${status}`, { description, content: { "application/json": { schema: errorSchema } } }]),
        ),
        Error: { description: "Any other failure (500 internal, 503 host or agent unavailable)", content: { "application/json": { schema: errorSchema } } },
      },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token from POST /api/v1/auth/token or the Tokens page" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
    },
    paths,
  };
}

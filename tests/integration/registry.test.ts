import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import type { DockerEngine } from "@/agent/docker/engine";
import { busyboxRootfs } from "@/agent/docker/infra-image";
import { ensureTestImage, TEST_IMAGE_LOCAL, waitFor } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { DockerCli } from "../helpers/registry";

/**
 * Berth's registry with real Docker: Distribution started by the console, the console as its
 * token server, the catalog fed by the registry's notifications.
 */
const c = consoleInfo();
let admin: Api;
let engine: DockerEngine;
let teamA: string;
let teamB: string;
let memberA: TTestUser;
let viewerA: TTestUser;
let memberB: TTestUser;
const clis: DockerCli[] = [];
const VARIANT = "berth/test-busybox:registry-variant";

function cli(): DockerCli {
  const x = new DockerCli();
  clis.push(x);
  return x;
}

interface TImagesBody {
  repositories: Array<{ repository: string; name: string; tags: Array<{ tag: string; digest: string; sizeBytes: number; pushedBy: string | null }>; usedBy: string[] }>;
  logicalBytes: number;
  storedBytes: number;
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  if (!(await engine.hasImage(VARIANT))) {
    // Same files, another config: another digest.
    const stream = await engine.docker.importImage(busyboxRootfs(), { repo: "berth/test-busybox", tag: "registry-variant", changes: ["ENV BERTH_VARIANT=2"] } as object);
    await new Promise<void>((resolve, reject) => engine.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  }
  teamA = await makeTeam(admin);
  teamB = await makeTeam(admin);
  memberA = await makeMember(admin, teamA, "MEMBER");
  viewerA = await makeMember(admin, teamA, "VIEWER");
  memberB = await makeMember(admin, teamB, "MEMBER");
});

afterAll(() => {
  for (const x of clis) x.destroy();
});

describe("Berth's registry", () => {
  it("says where it is and which namespaces the caller may push", async () => {
    const body = expectStatus(await memberA.api.get("/api/v1/registry"), 200) as { available: boolean; host: string; namespaces: Array<{ namespace: string; push: boolean }> };
    expect(body.available).toBe(true);
    expect(body.host).toBe(c.registry);
    expect(body.namespaces).toEqual(expect.arrayContaining([{ namespace: teamA, pull: true, push: true }, { namespace: "library", pull: true, push: false }]));
    const viewer = expectStatus(await viewerA.api.get("/api/v1/registry"), 200) as { namespaces: Array<{ namespace: string; push: boolean }> };
    expect(viewer.namespaces.find((n) => n.namespace === teamA)?.push).toBe(false);
  });

  it("a member pushes with an API token; the catalog has the tag and its digest; a member of another team cannot pull it", async () => {
    const a = cli();
    const login = await a.login(c.registry, memberA.email, memberA.token);
    expect(login.code, login.stderr).toBe(0);
    const ref = `${c.registry}/${teamA}/web:1`;
    const pushedAt = Date.now();
    const digest = await a.push(TEST_IMAGE_LOCAL, ref);
    const listed = await waitFor("the tag in the catalog", async () => {
      const body = expectStatus(await memberA.api.get(`/api/v1/teams/${teamA}/images`), 200) as TImagesBody;
      return body.repositories.find((r) => r.repository === `${teamA}/web`)?.tags.find((t) => t.tag === "1") ?? null;
    }, 10_000, 100);
    console.log(`[registry] catalog showed the push ${Date.now() - pushedAt} ms after docker push began`);
    expect(listed.digest).toBe(digest);
    expect(listed.pushedBy).toBe(memberA.email);
    expect(listed.sizeBytes).toBeGreaterThan(500_000);

    const b = cli();
    expect((await b.login(c.registry, memberB.email, memberB.token)).code).toBe(0);
    const denied = await b.run(["pull", ref]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/denied|unauthorized|authentication required|insufficient_scope/i);
    // Nor does their team's API show it.
    expectError(await memberB.api.get(`/api/v1/teams/${teamA}/images`), 404, "NOT_FOUND");

    const one = expectStatus(await memberA.api.get(`/api/v1/teams/${teamA}/images/web`), 200) as TImagesBody["repositories"][number];
    expect(one.tags.map((t) => t.tag)).toEqual(["1"]);
  });

  it("a viewer pulls the team's images but cannot push; a wrong password or no login gets no token", async () => {
    const v = cli();
    expect((await v.login(c.registry, viewerA.email, viewerA.password)).code).toBe(0);
    const pulled = await v.run(["pull", `${c.registry}/${teamA}/web:1`]);
    expect(pulled.code, pulled.stderr).toBe(0);
    await v.must(["tag", TEST_IMAGE_LOCAL, `${c.registry}/${teamA}/viewer-push:1`]);
    const push = await v.run(["push", `${c.registry}/${teamA}/viewer-push:1`]);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/denied|unauthorized|insufficient_scope/i);

    const bad = cli();
    const refused = await bad.login(c.registry, memberA.email, "not-the-password");
    expect(refused.code).not.toBe(0);
    const anonymous = await fetch(`${c.url}/api/v1/registry/token?service=berth-registry&scope=repository:${teamA}/web:pull`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic/);
  });

  it("a token carries only what the caller may do: another team's scope is dropped, library is pull-only", async () => {
    const basic = Buffer.from(`${memberB.email}:${memberB.token}`).toString("base64");
    const scopes = [`repository:${teamA}/web:pull,push`, `repository:${teamB}/api:pull,push`, "repository:library/base:pull,push", "registry:catalog:*"];
    const res = await fetch(`${c.url}/api/v1/registry/token?service=berth-registry&${scopes.map((s) => `scope=${encodeURIComponent(s)}`).join("&")}`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expires_in: number };
    expect(body.expires_in).toBeGreaterThan(0);
    const claims = decodeJwt(body.token) as { access: unknown[]; sub: string; aud: string };
    expect(claims.sub).toBe(memberB.email);
    expect(claims.aud).toBe("berth-registry");
    expect(claims.access).toEqual([
      { type: "repository", name: `${teamB}/api`, actions: ["pull", "push"] },
      { type: "repository", name: "library/base", actions: ["pull"] },
    ]);
    // An API token of one account cannot log in as another.
    const other = Buffer.from(`${memberA.email}:${memberB.token}`).toString("base64");
    expect((await fetch(`${c.url}/api/v1/registry/token?service=berth-registry`, { headers: { authorization: `Basic ${other}` } })).status).toBe(401);
  });

  it("registry notifications need the registry's secret", async () => {
    const res = await fetch(`${c.url}/api/v1/registry/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer guessed" },
      body: JSON.stringify({ events: [{ action: "push", target: { repository: `${teamA}/forged`, tag: "1", digest: `sha256:${"0".repeat(64)}` } }] }),
    });
    expect(res.status).toBe(401);
    const body = expectStatus(await memberA.api.get(`/api/v1/teams/${teamA}/images`), 200) as TImagesBody;
    expect(body.repositories.map((r) => r.repository)).not.toContain(`${teamA}/forged`);
  });

  it("counts a layer shared by two tags once in the team's storage; deleting a tag removes it from registry and catalog", async () => {
    const a = cli();
    expect((await a.login(c.registry, memberA.email, memberA.token)).code).toBe(0);
    const d2 = await a.push(VARIANT, `${c.registry}/${teamA}/web:2`);
    const body = await waitFor("two tags", async () => {
      const b = expectStatus(await memberA.api.get(`/api/v1/teams/${teamA}/images`), 200) as TImagesBody;
      return (b.repositories.find((r) => r.repository === `${teamA}/web`)?.tags.length ?? 0) >= 2 ? b : null;
    }, 10_000, 100);
    const web = body.repositories.find((r) => r.repository === `${teamA}/web`)!;
    expect(web.tags.find((t) => t.tag === "2")?.digest).toBe(d2);
    // Same busybox layer under both tags: stored once.
    expect(body.storedBytes).toBeLessThan(body.logicalBytes);

    expectError(await viewerA.api.delete(`/api/v1/teams/${teamA}/images/web/tags/2`), 403, "FORBIDDEN");
    const removed = expectStatus(await memberA.api.delete(`/api/v1/teams/${teamA}/images/web/tags/2`), 200) as { removedTags: string[] };
    expect(removed.removedTags).toEqual(["2"]);
    const after = expectStatus(await memberA.api.get(`/api/v1/teams/${teamA}/images/web`), 200) as TImagesBody["repositories"][number];
    expect(after.tags.map((t) => t.tag)).toEqual(["1"]);
    const gone = await cli().run(["pull", `${c.registry}/${teamA}/web:2`]);
    expect(gone.code).not.toBe(0);
    expectError(await memberA.api.delete(`/api/v1/teams/${teamA}/images/web/tags/2`), 404, "NOT_FOUND");
  });
});

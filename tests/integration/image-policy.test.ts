import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import type { DockerEngine } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, TEST_IMAGE_LOCAL, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { DockerCli } from "../helpers/registry";

/**
 * Which images a team may run, and that sets run digests: a tag pushed again later changes no
 * running set; the agent pulls with a pull-only token for its own sets' images.
 */
const c = consoleInfo();
const VARIANT = "berth/test-busybox:variant-2"; // pushed by the test setup; same files, another config
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let teamA: string;
let teamB: string;
let memberA: TTestUser;
let memberB: TTestUser;
let pusher: DockerCli;
let firstDigest: string;

const body = (image: string, name = "web", replicas = 1) => ({
  name,
  replicas,
  size: { cpu: 0.5, memoryMiB: 64, diskGiB: 1 },
  containers: [{ index: 0, name: "app", image, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
});

async function setOf(api: Api, id: string): Promise<TSetView> {
  return expectStatus(await api.get(`/api/v1/sets/${id}`), 200) as TSetView;
}

async function running(api: Api, team: string, app: string, n: number): Promise<TAppView> {
  return waitFor(`${app}: ${n} Running`, async () => {
    const v = expectStatus(await api.get(`/api/v1/teams/${team}/apps/${app}`), 200) as TAppView;
    return v.sets.length === n && v.sets.every((s) => s.state === "Running") ? v : null;
  }, 90_000, 300);
}

async function dockerImageOf(setId: string): Promise<{ id: string; image: string }> {
  const [app] = (await engine.listByLabels({ [LABEL.set]: setId })).filter((x) => x.labels[LABEL.role] !== "infra");
  const inspected = await engine.inspect(app!.id);
  return { id: app!.id, image: inspected!.image };
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "image-policy");
  teamA = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 1024, diskGiB: 10, sets: 6 } });
  teamB = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 1024, diskGiB: 10, sets: 6 } });
  memberA = await makeMember(admin, teamA, "MEMBER");
  memberB = await makeMember(admin, teamB, "MEMBER");
  pusher = new DockerCli();
  const login = await pusher.login(c.registry, memberA.email, memberA.token);
  if (login.code !== 0) throw new Error(login.stderr);
  firstDigest = await pusher.push(TEST_IMAGE_LOCAL, `${c.registry}/${teamA}/web:1`);
  // Forget the pushed name here, so the agent has to pull it from the registry with its token.
  await pusher.must(["rmi", `${c.registry}/${teamA}/web:1`]);
});

afterAll(async () => {
  await memberA?.api.delete(`/api/v1/teams/${teamA}/apps/web`);
  await agent?.destroy(engine, admin);
  pusher?.destroy();
});

describe("image policy", () => {
  it("refuses images outside the team's namespace and library, even one already on the host", async () => {
    const cases: Array<[string, RegExp]> = [
      [`${teamA}/web:1`, new RegExp(`${teamA} is not your team's namespace`)],
      [TEST_IMAGE_LOCAL, /berth is not your team's namespace/],
      ["busybox:latest", /must be .*\/<repo>:<tag>/],
      ["127.0.0.1:1/x/y:1", /registry 127\.0\.0\.1:1 is not allowed/],
      ["registry.example.com/team/web:1", /registry registry\.example\.com is not allowed/],
    ];
    for (const [image, why] of cases) {
      const res = await memberB.api.post(`/api/v1/teams/${teamB}/apps`, body(image, "refused"));
      const err = expectError(res, 400, "VALIDATION") as unknown as { message: string; details: { issues: Array<{ path: string; message: string }> } };
      expect(err.details.issues[0]?.path, image).toBe("containers.0.image");
      expect(err.details.issues[0]?.message, image).toMatch(why);
    }
    expectError(await memberB.api.get(`/api/v1/teams/${teamB}/apps/refused`), 404, "NOT_FOUND");
    // library/ is open to every team; it resolves like a team image.
    expect(expectStatus(await memberB.api.post(`/api/v1/teams/${teamB}/apps`, body(TEST_IMAGE, "from-library")), 201)).toBeTruthy();
    await running(memberB.api, teamB, "from-library", 1);
    expect((await memberB.api.delete(`/api/v1/teams/${teamB}/apps/from-library`)).status).toBeLessThan(300);
  });

  it("a set runs the digest its tag had at create; pushing the tag again changes no running set; a scale-out takes the new digest", async () => {
    const created = expectStatus(await memberA.api.post(`/api/v1/teams/${teamA}/apps`, body(`${teamA}/web:1`)), 201) as TAppView;
    const app = await running(memberA.api, teamA, "web", 1);
    const first = await setOf(memberA.api, app.sets[0]!.id);
    expect(created.sets).toHaveLength(1);
    expect(first.containers[0]?.image).toBe(`${teamA}/web:1`);
    expect(first.containers[0]?.imageDigest).toBe(firstDigest);
    const docker1 = await dockerImageOf(first.id);
    expect(docker1.image).toBe(`${c.registry}/${teamA}/web@${firstDigest}`);

    const secondDigest = await pusher.push(VARIANT, `${c.registry}/${teamA}/web:1`);
    expect(secondDigest).not.toBe(firstDigest);
    await waitFor("catalog has the new digest", async () => {
      const r = expectStatus(await memberA.api.get(`/api/v1/teams/${teamA}/images/web`), 200) as { tags: Array<{ tag: string; digest: string }> };
      return r.tags.find((t) => t.tag === "1")?.digest === secondDigest;
    }, 10_000, 100);
    // The reconciler runs every second here: give it a few rounds to (wrongly) touch the set.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await setOf(memberA.api, first.id)).containers[0]?.imageDigest).toBe(firstDigest);
    expect((await dockerImageOf(first.id)).id).toBe(docker1.id);

    expectStatus(await memberA.api.patch(`/api/v1/teams/${teamA}/apps/web`, { replicas: 2 }), 200);
    const scaled = await running(memberA.api, teamA, "web", 2);
    const added = scaled.sets.find((s) => s.id !== first.id)!;
    expect((await setOf(memberA.api, added.id)).containers[0]?.imageDigest).toBe(secondDigest);
    expect((await dockerImageOf(added.id)).image).toBe(`${c.registry}/${teamA}/web@${secondDigest}`);

    // A digest a set runs cannot be deleted from under it.
    expectError(await memberA.api.delete(`/api/v1/teams/${teamA}/images/web/tags/1`), 409, "CONFLICT");
  });

  it("a canary to another tag runs that tag's digest, and rollback restores the digest the set had", async () => {
    const v2 = await pusher.push(TEST_IMAGE_LOCAL, `${c.registry}/${teamA}/web:2`);
    const app = await running(memberA.api, teamA, "web", 2);
    const target = app.sets[1]!;
    const before = await setOf(memberA.api, target.id);
    expectStatus(await memberA.api.post(`/api/v1/teams/${teamA}/apps/web/canary`, { container: "app", image: `${teamA}/web:2`, sets: [target.id] }), 200);
    await waitFor("canary set on web:2", async () => {
      const s = await setOf(memberA.api, target.id);
      return s.state === "Running" && s.containers[0]?.imageDigest === v2 ? s : null;
    }, 60_000, 300);
    expect((await dockerImageOf(target.id)).image).toBe(`${c.registry}/${teamA}/web@${v2}`);
    expectStatus(await memberA.api.post(`/api/v1/teams/${teamA}/apps/web/canary/rollback`, {}), 200);
    await waitFor("rolled back", async () => {
      const s = await setOf(memberA.api, target.id);
      return s.state === "Running" && s.containers[0]?.imageDigest === before.containers[0]?.imageDigest ? s : null;
    }, 60_000, 300);
  });

  it("an agent's registry token covers its own sets' images and library, pull only", async () => {
    const identity = JSON.parse(fs.readFileSync(path.join(agent.stateDir, "identity.json"), "utf8")) as { credential: string };
    const basic = Buffer.from(`berth-host:${identity.credential}`).toString("base64");
    const scopes = [`repository:${teamA}/web:pull,push`, `repository:${teamB}/secret:pull`, "repository:library/test-busybox:pull,push"];
    const res = await fetch(`${c.url}/api/v1/registry/token?service=berth-registry&${scopes.map((s) => `scope=${encodeURIComponent(s)}`).join("&")}`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(res.status).toBe(200);
    const claims = decodeJwt(((await res.json()) as { token: string }).token) as { access: unknown[] };
    expect(claims.access).toEqual([
      { type: "repository", name: `${teamA}/web`, actions: ["pull"] },
      { type: "repository", name: "library/test-busybox", actions: ["pull"] },
    ]);
  });
});

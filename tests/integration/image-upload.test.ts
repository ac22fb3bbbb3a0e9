import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTestImage, TEST_IMAGE_LOCAL } from "../helpers/agent";
import { adminApi, expectError, expectStatus, uid, type Api, type TApiResponse } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { DockerCli } from "../helpers/registry";

/**
 * POST /api/v1/teams/{team}/images/upload: a `docker save` tarball streamed through the console
 * into its registry, then pulled and run by real Docker.
 */
const c = consoleInfo();
const run = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "berth-image-upload-"));
let admin: Api;
let team: string;
let member: TTestUser;
let viewer: TTestUser;
const clis: DockerCli[] = [];
const pulled: string[] = [];
const containers: string[] = [];
// These containers need no network, and a daemon may run without its default bridge.
const NO_NETWORK = ["--network", "none"];

interface TRepositoryBody {
  repository: string;
  tags: Array<{ tag: string; digest: string; sizeBytes: number; pushedBy: string | null }>;
}

function cli(): DockerCli {
  const x = new DockerCli();
  clis.push(x);
  return x;
}

async function dockerSave(image: string, file: string): Promise<string> {
  const out = path.join(tmp, file);
  await run("docker", ["save", "-o", out, image], { timeout: 120_000 });
  return out;
}

function uploadPath(repository: string, tag: string, teamSlug = team): string {
  return `/api/v1/teams/${teamSlug}/images/upload?repository=${encodeURIComponent(repository)}&tag=${encodeURIComponent(tag)}`;
}

/** The file as a stream of unknown length: fetch sends it chunked, as a large upload would go. */
async function upload(token: string, file: string, repository: string, tag: string): Promise<TApiResponse> {
  const init: RequestInit & { duplex: "half" } = {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-tar" },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>,
    duplex: "half",
  };
  const res = await fetch(new URL(uploadPath(repository, tag), c.url), init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: (res.headers.get("content-type") ?? "").includes("json") ? (JSON.parse(text) as unknown) : text };
}

/** A request that claims `content-length` bytes but sends only `body`, then waits for the answer. */
function partialPost(pathname: string, token: string, contentLength: number, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(pathname, c.url), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-tar", "content-length": String(contentLength) },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, text });
        req.destroy();
      });
    });
    req.on("error", reject);
    req.setTimeout(20_000, () => req.destroy(new Error("no answer within 20 s: the console waited for the body")));
    req.write(body);
  });
}

async function repository(name: string): Promise<TRepositoryBody | null> {
  const res = await member.api.get(`/api/v1/teams/${team}/images/${encodeURIComponent(name)}`);
  if (res.status === 404) return null;
  return expectStatus(res, 200) as TRepositoryBody;
}

beforeAll(async () => {
  admin = await adminApi(c);
  await ensureTestImage();
  team = await makeTeam(admin);
  member = await makeMember(admin, team, "MEMBER");
  viewer = await makeMember(admin, team, "VIEWER");
});

afterAll(async () => {
  for (const name of containers) await run("docker", ["rm", "-f", name]).catch((err: unknown) => console.warn(`[image-upload] rm ${name}: ${String(err)}`));
  for (const ref of pulled) await run("docker", ["rmi", "-f", ref]).catch((err: unknown) => console.warn(`[image-upload] rmi ${ref}: ${String(err)}`));
  for (const x of clis) x.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("image upload", () => {
  it("a member uploads `docker save` output; the catalog lists it; Docker pulls and runs it", async () => {
    const file = await dockerSave(TEST_IMAGE_LOCAL, "busybox.tar");
    const res = await upload(member.token, file, "web", "up-1");
    const body = expectStatus(res, 201) as { repository: string; tag: string; digest: string };
    expect(body).toMatchObject({ repository: `${team}/web`, tag: "up-1" });
    expect(body.digest).toMatch(/^sha256:[a-f0-9]{64}$/);

    const repo = await repository("web");
    const listed = repo?.tags.find((t) => t.tag === "up-1");
    expect(listed?.digest).toBe(body.digest);
    expect(listed?.pushedBy).toBe(member.email);
    expect(listed?.sizeBytes).toBeGreaterThan(500_000);

    const docker = cli();
    expect((await docker.login(c.registry, member.email, member.token)).code).toBe(0);
    const ref = `${c.registry}/${team}/web:up-1`;
    pulled.push(ref);
    const pull = await docker.run(["pull", ref]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain(body.digest);
    const started = await docker.run(["run", "--rm", ...NO_NETWORK, ref, "/bin/busybox", "true"]);
    expect(started.code, started.stderr).toBe(0);
  });

  it("an image whose layer this engine no longer has: Docker downloads the uploaded layer and runs it", async () => {
    // A committed container gives a layer of its own; removing the image leaves Docker without it.
    const marker = `upload-${randomBytes(6).toString("hex")}`;
    const local = `berth/upload-test:${marker}`;
    const docker = cli();
    containers.push(marker);
    await docker.must(["run", "--name", marker, ...NO_NETWORK, TEST_IMAGE_LOCAL, "/bin/busybox", "sh", "-c", `echo ${marker} > /marker`]);
    await docker.must(["commit", marker, local]);
    const file = await dockerSave(local, "unique.tar");
    await docker.must(["rmi", local]);

    const body = expectStatus(await upload(member.token, file, "web/unique", "1"), 201) as { repository: string; digest: string };
    expect(body.repository).toBe(`${team}/web/unique`);
    expect((await repository("web/unique"))?.tags.map((t) => t.digest)).toEqual([body.digest]);

    expect((await docker.login(c.registry, member.email, member.token)).code).toBe(0);
    const ref = `${c.registry}/${team}/web/unique:1`;
    pulled.push(ref);
    const pull = await docker.run(["pull", ref]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toMatch(/Pull complete/);
    const out = await docker.run(["run", "--rm", ...NO_NETWORK, ref, "/bin/busybox", "cat", "/marker"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim()).toBe(marker);
  });

  it("a viewer may not upload; bad repository names and tags are refused before the body is read", async () => {
    const small = Buffer.alloc(1024);
    expectError(await viewer.api.request("POST", uploadPath("web", "v"), undefined, { rawBody: small.toString("latin1") }), 403, "FORBIDDEN");
    for (const bad of ["Web", "web//api", "-web", "web_", "web:1", "we b"]) {
      const err = expectError(await member.api.request("POST", uploadPath(bad, "1"), undefined, { rawBody: "x" }), 400, "VALIDATION");
      expect(err.message).toMatch(/^repository: /);
    }
    const err = expectError(await member.api.request("POST", uploadPath("web", ".hidden"), undefined, { rawBody: "x" }), 400, "VALIDATION");
    expect(err.message).toMatch(/^tag: /);
    // Another team's namespace is not the caller's.
    expectError(await member.api.request("POST", uploadPath("web", "1", uid("team")), undefined, { rawBody: "x" }), 404, "NOT_FOUND");
  });

  it("a Content-Length over BERTH_IMAGE_UPLOAD_MAX_BYTES gets 413 before the body is read", async () => {
    const res = await partialPost(uploadPath("big", "1"), member.token, 3_000_000_000, Buffer.alloc(64 * 1024));
    expect(res.status, res.text).toBe(413);
    expect((JSON.parse(res.text) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await repository("big")).toBeNull();
  });

  it("a body that is no tar archive gets 400 and leaves nothing in the catalog", async () => {
    const garbage = path.join(tmp, "garbage.bin");
    fs.writeFileSync(garbage, randomBytes(256 * 1024));
    const res = await upload(member.token, garbage, "garbage", "1");
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect((res.body as { error: { code: string } }).error.code).toBe("VALIDATION");
    // A tar, but not an image: no manifest.json nor index.json.
    const plain = path.join(tmp, "plain.tar");
    await run("tar", ["-cf", plain, "-C", tmp, "garbage.bin"]);
    const notImage = await upload(member.token, plain, "garbage", "2");
    expect(notImage.status, JSON.stringify(notImage.body)).toBe(400);
    expect(JSON.stringify(notImage.body)).toMatch(/manifest\.json/);
    expect(await repository("garbage")).toBeNull();
  });
});

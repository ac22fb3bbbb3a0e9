import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";

export interface TCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The docker CLI as one user: its own DOCKER_CONFIG, so `docker login` of one test user never
 * lends its credentials to another.
 */
export class DockerCli {
  readonly configDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-docker-cli-"));

  run(args: string[], input?: string): Promise<TCliResult> {
    return new Promise((resolve) => {
      const child = execFile("docker", args, { env: { ...process.env, DOCKER_CONFIG: this.configDir }, timeout: 120_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException).code === "number" ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  login(registry: string, user: string, secret: string): Promise<TCliResult> {
    return this.run(["login", registry, "-u", user, "--password-stdin"], secret);
  }

  async must(args: string[]): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(" ")} failed (${r.code}): ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  /** Tags a local image as `ref` and pushes it; returns the digest the registry gave it. */
  async push(localImage: string, ref: string): Promise<string> {
    await this.must(["tag", localImage, ref]);
    const out = await this.must(["push", ref]);
    const digest = out.match(/digest: (sha256:[a-f0-9]{64})/)?.[1];
    if (!digest) throw new Error(`no digest in docker push output: ${out}`);
    return digest;
  }

  destroy(): void {
    fs.rmSync(this.configDir, { recursive: true, force: true });
  }
}

/** Local builds pushed into each test console's registry as library/test-busybox:<tag>. */
const TEST_IMAGE_BUILDS: Array<{ tag: string; local: string; changes: string[] }> = [
  { tag: "1", local: "berth/test-busybox:1", changes: [] },
  // Another config, so another digest: a canary to :2 really replaces the container.
  { tag: "2", local: "berth/test-busybox:variant-2", changes: ["ENV BERTH_TEST_VARIANT=2"] },
  // Its entrypoint always fails: every start of it exits 1.
  { tag: "crash", local: "berth/test-busybox:crash", changes: ['ENTRYPOINT ["/bin/false"]'] },
];

/**
 * Puts the test images where apps may run them from: the console's registry, `library/`
 * namespace, pushed by the admin with `docker push` like an operator would.
 */
export async function publishTestImages(c: { registry: string; adminEmail: string; adminPassword: string }): Promise<void> {
  const { DockerEngine } = await import("@/agent/docker/engine");
  const { busyboxRootfs } = await import("@/agent/docker/infra-image");
  const engine = new DockerEngine();
  for (const b of TEST_IMAGE_BUILDS) {
    if (await engine.hasImage(b.local)) continue;
    const [repo, tag] = b.local.split(":") as [string, string];
    const stream = await engine.docker.importImage(busyboxRootfs(), { repo, tag, changes: b.changes } as object);
    await new Promise<void>((resolve, reject) => engine.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  }
  const cli = new DockerCli();
  try {
    const login = await cli.login(c.registry, c.adminEmail, c.adminPassword);
    if (login.code !== 0) throw new Error(`docker login ${c.registry} as the admin failed: ${login.stderr}`);
    for (const b of TEST_IMAGE_BUILDS) await cli.push(b.local, `${c.registry}/library/test-busybox:${b.tag}`);
  } finally {
    cli.destroy();
  }
}

/**
 * What Docker runs for an app image of Berth's registry: `<registry>/<repo>@<digest>`, read from
 * this engine, which pushed the test images (so it knows their digests).
 */
export async function pinnedRef(registry: string, image: string): Promise<string> {
  const { DockerEngine } = await import("@/agent/docker/engine");
  const repo = image.replace(/:[^/]*$/, "");
  const info = await new DockerEngine().docker.getImage(`${registry}/${image}`).inspect();
  const digest = info.RepoDigests?.find((d) => d.startsWith(`${registry}/${repo}@`));
  if (!digest) throw new Error(`${registry}/${image} has no digest on this engine (was it pushed from here?)`);
  return digest;
}

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DockerEngine } from "@/agent/docker/engine";
import { enrollmentToken, ensureTestImage, TestAgent, TEST_IMAGE_LOCAL, waitFor } from "./agent";
import type { Api } from "./api";

/**
 * A second Docker engine beside the machine's own (own data and exec roots, socket and pidfile,
 * no default bridge, no iptables), that a test may stop, restart or freeze without touching the
 * engine everything else uses. Images come from the first engine (save → load).
 */
export class SecondEngine {
  readonly dir: string;
  readonly socket: string;
  private child?: ChildProcess;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-engine2-"));
    this.socket = path.join(this.dir, "docker.sock");
  }

  get dockerHost(): string {
    return `unix://${this.socket}`;
  }

  engine(): DockerEngine {
    return new DockerEngine(this.dockerHost);
  }

  async start(): Promise<void> {
    const log = fs.openSync(path.join(this.dir, "dockerd.log"), "a");
    this.child = spawn(
      "dockerd",
      ["--data-root", path.join(this.dir, "data"), "--exec-root", path.join(this.dir, "exec"), "-H", this.dockerHost, "--pidfile", path.join(this.dir, "docker.pid"), "--bridge=none", "--iptables=false"],
      { stdio: ["ignore", log, log], detached: true },
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`second dockerd exited ${this.child.exitCode}: ${this.logTail()}`);
      try {
        await this.engine().docker.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new Error(`second dockerd did not answer within 60 s: ${this.logTail()}`);
  }

  /** dockerd's own shutdown (SIGTERM): it stops every container, as on a host going down. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }

  async loadImage(from: DockerEngine, ref: string): Promise<void> {
    const tar = await from.docker.getImage(ref).get();
    const stream = await this.engine().docker.loadImage(tar);
    await new Promise<void>((resolve, reject) => this.engine().docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  }

  /** SIGSTOP: dockerd hangs (its containers keep running under their shims), as a wedged engine does. */
  freeze(): void {
    if (this.child?.pid) process.kill(this.child.pid, "SIGSTOP");
  }

  thaw(): void {
    if (this.child?.pid) process.kill(this.child.pid, "SIGCONT");
  }

  logTail(): string {
    try {
      return fs.readFileSync(path.join(this.dir, "dockerd.log"), "utf8").split("\n").slice(-8).join("\n");
    } catch (err) {
      return `(no log: ${(err as Error).message})`;
    }
  }

  /** Removes everything it ran and its directories (starting it again if a test left it stopped). */
  async destroy(): Promise<void> {
    this.thaw();
    try {
      if (!this.child || this.child.exitCode !== null) await this.start();
      const e = this.engine();
      for (const c of await e.docker.listContainers({ all: true })) await e.remove(c.Id);
      // Bridges outlive a stopped dockerd in the kernel: remove them while it can.
      for (const n of await e.docker.listNetworks()) if (!["bridge", "host", "none"].includes(n.Name)) await e.removeNetwork(n.Name);
    } catch (err) {
      console.warn(`[engine2] containers not removed: ${(err as Error).message}`);
    }
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A second engine with the test image, and an agent of its own on it, enrolled and Ready. */
export async function agentOnSecondEngine(admin: Api, consoleUrl: string, name: string, env: Record<string, string> = {}): Promise<{ engine2: SecondEngine; agent: TestAgent }> {
  const engine2 = new SecondEngine();
  await engine2.start();
  await engine2.loadImage(await ensureTestImage(), TEST_IMAGE_LOCAL);
  const agent = new TestAgent(consoleUrl, name, await enrollmentToken(admin));
  agent.env = { DOCKER_HOST: engine2.dockerHost, ...env };
  agent.start();
  await waitFor(`host ${name} Ready`, async () => {
    const hosts = (await admin.get("/api/v1/hosts")).body as Array<{ id: string; status: string }>;
    return hosts.some((h) => h.id === agent.hostId() && h.status === "Ready");
  }, 90_000, 500);
  return { engine2, agent };
}

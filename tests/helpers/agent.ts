import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { teamNetworkName } from "@/agent/docker/config";
import { DockerEngine } from "@/agent/docker/engine";
import { ensureBusyboxImage } from "@/agent/docker/infra-image";
import { statValue } from "@/agent/metrics/parse";
import { cgroupMounts, cgroupParentPath } from "@/agent/sets/cgroup";
import { XfsVolumes } from "@/agent/volumes/xfs";
import { LABEL } from "@/lib/protocol/agent";
import type { Api } from "./api";
import { REPO_ROOT } from "./console";

/**
 * BusyBox for business containers, as apps name it: from the console's registry, where the test
 * setup pushed the local build (tests/helpers/registry.ts publishTestImages).
 */
export const TEST_IMAGE = "library/test-busybox:1";
/** The same files under another config (another digest): what a canary rolls to. */
export const TEST_IMAGE_V2 = "library/test-busybox:2";
/** An image whose entrypoint always fails. */
export const TEST_IMAGE_CRASH = "library/test-busybox:crash";
/** The BusyBox test image as built on this machine (not in any registry). */
export const TEST_IMAGE_LOCAL = "berth/test-busybox:1";

export async function ensureTestImage(): Promise<DockerEngine> {
  const engine = new DockerEngine();
  await ensureBusyboxImage(engine, "berth/test-busybox", "1");
  return engine;
}

export async function enrollmentToken(admin: Api, zone = "test"): Promise<string> {
  const res = await admin.post("/api/v1/hosts/enrollment-tokens", { ttlSeconds: 600, zone });
  if (res.status !== 201) throw new Error(`enrollment token: HTTP ${res.status} ${res.text}`);
  return (res.body as { token: string }).token;
}

/**
 * A real agent process (agent/main.ts) as its own host. Several can run on this machine: each
 * adopts only containers labelled with its own host id.
 */
export class TestAgent {
  readonly stateDir: string;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  readonly log: string[] = [];
  /** Set before start(): e.g. DOCKER_HOST for an agent of a second engine. */
  env: Record<string, string> = {};

  constructor(
    readonly consoleUrl: string,
    readonly name: string,
    private readonly token: string,
    readonly zone = "test",
    /** Run as an operator would install it: this served install.sh, `--foreground --dir <stateDir>`. */
    private readonly installScript?: string,
  ) {
    this.stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-agent-${name}-`));
  }

  /** The installed agent runs as a process group (runner shell + node): signals go to all of it. */
  private spawnAgent(env: NodeJS.ProcessEnv): ChildProcess {
    if (!this.installScript) return spawn(process.execPath, ["--import", "tsx", "agent/main.ts"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const args = [this.installScript, "--foreground", "--dir", this.stateDir, "--token", this.token, "--name", this.name, "--zone", this.zone];
    return spawn("sh", args, {
      cwd: this.stateDir,
      env: { ...env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}` },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
  }

  start(): void {
    const tuning = {
      BERTH_HEARTBEAT_SECONDS: "1",
      BERTH_DISK_SCAN_SECONDS: "3",
      BERTH_INFRA_IMAGE: "berth/test-busybox:1",
      // Published ports are reached on loopback: tests send traffic nowhere else.
      BERTH_HOST_ADDRESS: "127.0.0.1",
      // Small log caps keep a chatty test container's disk use tiny (tests/integration/caps.test.ts).
      BERTH_LOG_MAX_SIZE: "1m",
      BERTH_LOG_MAX_FILES: "2",
    };
    // An installed agent gets the rest from the agent.env its install.sh wrote.
    const identity = this.installScript
      ? {}
      : {
          BERTH_CONSOLE_URL: this.consoleUrl,
          BERTH_ENROLL_TOKEN: this.token,
          BERTH_AGENT_STATE_DIR: this.stateDir,
          BERTH_HOST_NAME: this.name,
          BERTH_ZONE: this.zone,
          BERTH_VOLUME_ROOT: path.join(this.stateDir, "volumes"),
        };
    const child = this.spawnAgent({ ...process.env, ...tuning, ...identity, ...this.env });
    const keep = (b: Buffer) => {
      this.log.push(...b.toString().split("\n").filter(Boolean));
      if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    this.child = child;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  hostId(): string | null {
    const file = path.join(this.stateDir, "identity.json");
    if (!fs.existsSync(file)) return null;
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { hostId: string }).hostId;
  }

  /** SIGKILL by default: the agent must survive being killed at any moment. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.installScript && this.child.pid) process.kill(-this.child.pid, signal);
    else this.child.kill(signal);
    await this.exited;
  }

  /** Stops the process, revokes its host, removes every container labelled with its host id. */
  async destroy(engine: DockerEngine, admin: Api): Promise<void> {
    await this.kill("SIGTERM");
    const hostId = this.hostId();
    if (hostId) {
      // Apps with sets here go first: a revoked host's sets are rescheduled, and on the console
      // that every test file shares they would land on the next file's fresh host.
      const teams = ((await admin.get("/api/v1/teams")).body ?? []) as Array<{ slug: string }>;
      // Late in a run the shared console holds hundreds of teams: a few at a time, not one by one.
      await eachLimited(teams, CLEANUP_CONCURRENCY, async (t) => {
        const apps = ((await admin.get(`/api/v1/teams/${t.slug}/apps`)).body ?? []) as Array<{ name: string; sets: Array<{ host: { id: string } | null }> }>;
        for (const app of Array.isArray(apps) ? apps : []) {
          if (app.sets.some((s) => s.host?.id === hostId)) await admin.delete(`/api/v1/teams/${t.slug}/apps/${app.name}`);
        }
      });
      await admin.delete(`/api/v1/hosts/${hostId}`);
      const left = await engine.listByLabels({ [LABEL.host]: hostId });
      await eachLimited(left, CLEANUP_CONCURRENCY, (c) => engine.remove(c.id));
      for (const teamId of new Set(left.map((c) => c.labels[LABEL.team]).filter(Boolean))) {
        await engine.removeNetwork(teamNetworkName(teamId, hostId, true));
        await engine.removeNetwork(teamNetworkName(teamId, hostId, false));
      }
    }
    // Set volumes are loop mounts under the state dir: unmount them before deleting it.
    const volumes = new XfsVolumes(path.join(this.stateDir, "volumes"));
    for (const key of fs.readdirSync(path.join(this.stateDir, "volumes", "mnt"))) await volumes.unmount(key);
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** Cleanup requests in flight at once: quicker than one by one, gentle on a loaded engine. */
const CLEANUP_CONCURRENCY = 6;

/** Runs `fn` over `items`, at most `limit` at a time; the first failure is thrown once all settled. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item).catch((err: unknown) => errors.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw errors[0];
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** Starts an agent and waits until the console lists its host as Ready. */
export async function startReadyAgent(admin: Api, consoleUrl: string, name: string, zone = "test"): Promise<TestAgent> {
  const agent = new TestAgent(consoleUrl, name, await enrollmentToken(admin, zone), zone);
  agent.start();
  await waitFor(`host ${name} Ready`, async () => {
    const id = agent.hostId();
    if (!id) return null;
    const res = await admin.get("/api/v1/hosts");
    const hosts = res.body as Array<{ id: string; status: string }>;
    return hosts.find((h) => h.id === id && h.status === "Ready");
  });
  return agent;
}

export interface TExecResult {
  code: number;
  output: string;
  /** OOM kills the kernel counted in the container's and its set's memory cgroups while the command ran. */
  oomKills: number;
  /** Exit code, the kernel's OOM verdict and the output's tail: for failure messages. */
  report: string;
}

/** The kernel's OOM kill counters of a container's memory cgroup and its set's parent (v1 and v2). */
function oomKillCount(setId: string | undefined, containerId: string): number {
  const m = cgroupMounts();
  const mount = m.version === 2 ? m.unified : m.memory;
  if (!mount || !setId) return 0;
  const parent = path.join(mount, cgroupParentPath(setId));
  const file = m.version === 2 ? "memory.events" : "memory.oom_control";
  let total = 0;
  // v2's counters are hierarchical: the parent alone holds the set's total.
  for (const dir of m.version === 2 ? [parent] : [parent, path.join(parent, containerId)]) {
    try {
      total += statValue(fs.readFileSync(path.join(dir, file), "utf8"), "oom_kill") ?? 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return total;
}

/** Runs a command in a container through the Docker API (tests only). */
export async function execIn(engine: DockerEngine, containerId: string, cmd: string[]): Promise<TExecResult> {
  const setId = (await engine.inspect(containerId))?.labels[LABEL.set];
  const oomBefore = oomKillCount(setId, containerId);
  const exec = await engine.docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve());
    stream.on("error", reject);
  });
  const info = await exec.inspect();
  // Multiplexed stream: 8-byte frame headers around each chunk; strip them for reading.
  const raw = Buffer.concat(chunks);
  const parts: Buffer[] = [];
  for (let i = 0; i + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(i + 4);
    parts.push(raw.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  const code = info.ExitCode ?? -1;
  const output = Buffer.concat(parts).toString("utf8");
  const oomKills = oomKillCount(setId, containerId) - oomBefore;
  const verdict = oomKills > 0 ? `${oomKills} OOM kill(s) in the set's memory cgroups while it ran` : "no OOM kill";
  return { code, output, oomKills, report: `\`${cmd.join(" ")}\` exited ${code}; ${verdict}; output: ${JSON.stringify(output.slice(-600))}` };
}

/** The running business container of a set on one host (the first by Docker's listing). */
export async function runningAppContainer(engine: DockerEngine, setId: string, hostId: string): Promise<string> {
  const listed = await engine.listByLabels({ [LABEL.set]: setId, [LABEL.host]: hostId });
  const app = listed.find((x) => x.labels[LABEL.role] === "app" && x.state === "running");
  if (!app) throw new Error(`no running app container of ${setId} on ${hostId}`);
  return app.id;
}

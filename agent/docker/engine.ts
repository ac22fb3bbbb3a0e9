import Dockerode from "dockerode";
import { LABEL, ZDockerState, type TContainerStatus, type TDockerState } from "../../lib/protocol/agent";

export type TContainerCreate = Dockerode.ContainerCreateOptions;

export interface TListedContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: TDockerState;
  image: string;
  ips: Record<string, string>;
  /** Addresses pinned at create (IPAMConfig), which a stopped container keeps while `ips` is empty. */
  pinnedIps: string[];
  /** Published ports: container port → host port. */
  published: Array<{ port: number; hostPort: number; protocol: string }>;
}

export interface TInspected {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: TDockerState;
  exitCode: number | null;
  oomKilled: boolean;
  startedAt: string | null;
  pid: number;
  image: string;
  ips: Record<string, string>;
  hostConfig: { NanoCpus: number; Memory: number; CgroupParent: string; NetworkMode: string; IpcMode: string };
}

function dockerState(s: string | undefined): TDockerState {
  const parsed = ZDockerState.safeParse(s);
  return parsed.success ? parsed.data : "dead";
}

function statusCode(err: unknown): number | undefined {
  return typeof err === "object" && err !== null && "statusCode" in err ? Number((err as { statusCode: unknown }).statusCode) : undefined;
}

/** Rejects when `work` has not settled within `ms` (the work itself goes on; Docker has no cancel). */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DockerError(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

export class DockerError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** The agent's one door to Docker. Nothing else in Berth imports dockerode. */
/** One line of Docker's pull progress stream. */
interface TPullEvent {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
}

export class DockerEngine {
  readonly docker: Dockerode;

  constructor(dockerHost = process.env.DOCKER_HOST) {
    this.docker = dockerHost ? new Dockerode(parseDockerHost(dockerHost)) : new Dockerode({ socketPath: "/var/run/docker.sock" });
  }

  async info(): Promise<{ ncpu: number; memTotal: number; rootDir: string; version: string; cgroupVersion: string; cgroupDriver: string }> {
    const [info, version] = await Promise.all([this.docker.info(), this.docker.version()]);
    return {
      ncpu: info.NCPU,
      memTotal: info.MemTotal,
      rootDir: info.DockerRootDir,
      version: version.Version,
      cgroupVersion: String(info.CgroupVersion ?? "1"),
      cgroupDriver: String(info.CgroupDriver ?? "cgroupfs"),
    };
  }

  async hasImage(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  /**
   * Pull `ref`, resolving when the pull finished; rejects with Docker's reason. `onProgress` gets
   * bytes downloaded of the total of the layers Docker has announced so far.
   */
  async pull(
    ref: string,
    auth?: { username: string; password: string; serveraddress: string },
    onProgress?: (p: { doneBytes: number; totalBytes: number }) => void,
  ): Promise<void> {
    const stream = await this.docker.pull(ref, auth ? { authconfig: auth } : {});
    const layers = new Map<string, { done: number; total: number }>();
    const progress = (e: TPullEvent) => {
      if (!onProgress || !e.id) return;
      const layer = layers.get(e.id) ?? { done: 0, total: 0 };
      if (e.status === "Downloading" && e.progressDetail?.total) {
        layer.total = e.progressDetail.total;
        layer.done = e.progressDetail.current ?? layer.done;
      } else if (e.status === "Download complete" || e.status === "Pull complete" || e.status === "Already exists") {
        layer.done = layer.total;
      } else if (e.status !== "Pulling fs layer" && e.status !== "Waiting") {
        return;
      }
      layers.set(e.id, layer);
      let doneBytes = 0;
      let totalBytes = 0;
      for (const l of layers.values()) {
        doneBytes += l.done;
        totalBytes += l.total;
      }
      onProgress({ doneBytes, totalBytes });
    };
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, output: Array<{ error?: string }>) => {
          const failed = output?.find((o) => o.error);
          if (err || failed) reject(new DockerError(err?.message ?? failed?.error ?? "pull failed"));
          else resolve();
        },
        progress,
      );
    });
  }

  /** Gives image `source` (a name or `repo@digest`) the name `repo:tag` as well. */
  async tagImage(source: string, repo: string, tag: string): Promise<void> {
    await this.docker.getImage(source).tag({ repo, tag });
  }

  async importImage(tar: NodeJS.ReadableStream, repo: string, tag: string): Promise<void> {
    const stream = await this.docker.importImage(tar, { repo, tag });
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * Returns the id of the bridge network called `name`, creating it when missing: with exactly
   * `ipam`'s subnet and gateway when given (Berth's address plan), else from Docker's pools.
   * Docker does not make concurrent creates of one name exclusive, so when a race left duplicates
   * the oldest wins and the unused others are removed; callers attach by id, never by the name.
   */
  async ensureNetwork(name: string, labels: Record<string, string>, ipam?: { subnet: string; gateway: string }): Promise<string> {
    const find = async () =>
      (await this.docker.listNetworks({ filters: { name: [name] } }))
        .filter((n) => n.Name === name)
        .sort((a, b) => (a.Created === b.Created ? (a.Id < b.Id ? -1 : 1) : a.Created < b.Created ? -1 : 1));
    const subnetOf = (n: Dockerode.NetworkInspectInfo) => n.IPAM?.Config?.[0]?.Subnet;
    let found = await find();
    const wrong = ipam ? found.filter((n) => subnetOf(n) !== ipam.subnet) : [];
    for (const n of wrong) {
      // The plan moved this team's subnet here: an unused old bridge gives way; one in use is an error.
      if (!(await this.removeUnusedNetwork(n.Id))) {
        throw new DockerError(`network ${name} has subnet ${subnetOf(n) ?? "(Docker's)"} and is in use; the set wants ${ipam!.subnet}`);
      }
    }
    if (wrong.length) found = await find();
    if (found.length === 0) {
      const create = () =>
        this.docker.createNetwork({
          Name: name,
          Driver: "bridge",
          Labels: labels,
          CheckDuplicate: true,
          ...(ipam ? { IPAM: { Driver: "default", Config: [{ Subnet: ipam.subnet, Gateway: ipam.gateway }] } } : {}),
        });
      try {
        await create();
      } catch (err) {
        if (statusCode(err) === 409) {
          // Created meanwhile by a concurrent apply: found below.
        } else if (ipam && /overlap/i.test((err as Error).message) && (await this.removeStaleBerthNetworks(ipam.subnet))) {
          // The range was freed by the console and given to this team; the previous team's bridge
          // was still here, unused, and is now gone.
          await create();
        } else {
          throw err;
        }
      }
      found = await find();
    }
    const [keep, ...extra] = found;
    if (!keep) throw new DockerError(`network ${name} could not be created`);
    for (const n of extra) {
      await this.docker.getNetwork(n.Id).remove().catch((err: unknown) => {
        console.warn(`[agent] duplicate network ${n.Id} not removed: ${(err as Error).message}`);
      });
    }
    return keep.Id;
  }

  /** Removes a network if no container (running or not) is attached; true when it is gone. */
  private async removeUnusedNetwork(id: string): Promise<boolean> {
    try {
      const info = await this.docker.getNetwork(id).inspect();
      if (Object.keys(info.Containers ?? {}).length > 0) return false;
      await this.docker.getNetwork(id).remove();
      return true;
    } catch (err) {
      const code = statusCode(err);
      if (code === 404) return true;
      if (code === 403 || code === 409) return false;
      throw err;
    }
  }

  /** Unused Berth bridges holding `subnet`: removed; true when at least one went. */
  private async removeStaleBerthNetworks(subnet: string): Promise<boolean> {
    const nets = await this.docker.listNetworks({ filters: { label: ["berth.team"] } });
    let removed = false;
    for (const n of nets.filter((x) => x.IPAM?.Config?.some((c) => c.Subnet === subnet))) {
      if (await this.removeUnusedNetwork(n.Id)) removed = true;
    }
    return removed;
  }

  /** Removes every network called `name`; one still in use (a race with a new set) stays. */
  async removeNetwork(name: string): Promise<void> {
    const nets = (await this.docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name);
    for (const n of nets) await this.removeUnusedNetwork(n.Id);
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
    try {
      await this.docker.getVolume(name).inspect();
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      await this.docker.createVolume({ Name: name, Labels: labels });
    }
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
  }

  async listByLabels(labels: Record<string, string>): Promise<TListedContainer[]> {
    const rows = await this.docker.listContainers({
      all: true,
      filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) },
    });
    return rows.map((r) => ({
      id: r.Id,
      name: (r.Names[0] ?? "").replace(/^\//, ""),
      labels: r.Labels ?? {},
      state: dockerState(r.State),
      image: r.Image,
      ips: Object.fromEntries(Object.entries(r.NetworkSettings?.Networks ?? {}).map(([k, v]) => [k, v.IPAddress])),
      pinnedIps: Object.values(r.NetworkSettings?.Networks ?? {})
        .map((v) => v.IPAMConfig?.IPv4Address)
        .filter((ip): ip is string => Boolean(ip)),
      published: (r.Ports ?? [])
        .filter((p) => p.PublicPort)
        .map((p) => ({ port: p.PrivatePort, hostPort: p.PublicPort, protocol: p.Type }))
        // Docker lists a binding once per host address family; one is enough.
        .filter((p, i, all) => all.findIndex((q) => q.hostPort === p.hostPort && q.protocol === p.protocol) === i),
    }));
  }

  /** Writable-layer size of each matching container: Docker walks every layer, so call it rarely. */
  async writableLayerSizes(labels: Record<string, string>): Promise<Array<{ id: string; labels: Record<string, string>; sizeRw: number }>> {
    const rows = await this.docker.listContainers({
      all: true,
      size: true,
      filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) },
    });
    // Docker adds SizeRw when size=true; dockerode's type does not declare it.
    return rows.map((r) => ({ id: r.Id, labels: r.Labels ?? {}, sizeRw: (r as typeof r & { SizeRw?: number }).SizeRw ?? 0 }));
  }

  /** Creates the container, or adopts the one that already holds the name (a retried create). */
  async createOrAdopt(config: TContainerCreate): Promise<{ id: string; adopted: boolean }> {
    try {
      const c = await this.docker.createContainer(config);
      return { id: c.id, adopted: false };
    } catch (err) {
      if (statusCode(err) === 409 && config.name) {
        const existing = await this.inspect(config.name);
        if (existing) return { id: existing.id, adopted: true };
      }
      throw err;
    }
  }

  async inspect(idOrName: string): Promise<TInspected | null> {
    try {
      const i = await this.docker.getContainer(idOrName).inspect();
      const nets = i.NetworkSettings?.Networks ?? {};
      return {
        id: i.Id,
        name: i.Name.replace(/^\//, ""),
        labels: i.Config.Labels ?? {},
        state: dockerState(i.State.Status),
        exitCode: i.State.Status === "exited" || i.State.Status === "dead" ? i.State.ExitCode : null,
        oomKilled: Boolean(i.State.OOMKilled),
        startedAt: i.State.StartedAt && !i.State.StartedAt.startsWith("0001") ? i.State.StartedAt : null,
        pid: i.State.Pid,
        image: i.Config.Image,
        ips: Object.fromEntries(Object.entries(nets).map(([k, v]) => [k, v.IPAddress])),
        hostConfig: {
          NanoCpus: i.HostConfig.NanoCpus ?? 0,
          Memory: i.HostConfig.Memory ?? 0,
          CgroupParent: i.HostConfig.CgroupParent ?? "",
          NetworkMode: i.HostConfig.NetworkMode ?? "",
          IpcMode: i.HostConfig.IpcMode ?? "",
        },
      };
    } catch (err) {
      if (statusCode(err) === 404) return null;
      throw err;
    }
  }

  /** `docker update`: new CPU and memory limits on a running container, no restart. */
  async updateLimits(id: string, limits: { NanoCpus: number; Memory: number }): Promise<void> {
    // Docker keeps MemorySwap at twice Memory by default; it must move with Memory.
    await this.docker.getContainer(id).update({ NanoCpus: limits.NanoCpus, Memory: limits.Memory, MemorySwap: limits.Memory * 2 });
  }

  async start(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      if (statusCode(err) !== 304) throw err; // already running
    }
  }

  async stop(id: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (err) {
      const code = statusCode(err);
      if (code !== 304 && code !== 404) throw err;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: false });
    } catch (err) {
      const code = statusCode(err);
      if (code !== 404 && code !== 409) throw err; // 409: removal already in progress
    }
  }

  /** Docker's event stream for this host's containers; returns a handle that closes it. */
  async events(
    labels: Record<string, string>,
    onEvent: (e: { id: string; action: string; labels: Record<string, string>; exitCode: number | null; time: number }) => void,
    onEnd: (err?: Error) => void,
  ): Promise<{ close(): void }> {
    const stream = (await this.docker.getEvents({
      filters: {
        type: ["container"],
        event: ["start", "die", "oom", "stop", "destroy"],
        label: Object.entries(labels).map(([k, v]) => `${k}=${v}`),
      },
    })) as NodeJS.ReadableStream & { destroy?: () => void };
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        try {
          const e = JSON.parse(line) as { id: string; Action: string; time: number; Actor?: { Attributes?: Record<string, string> } };
          const attrs = e.Actor?.Attributes ?? {};
          onEvent({
            id: e.id,
            action: e.Action,
            labels: attrs,
            exitCode: attrs.exitCode !== undefined ? Number(attrs.exitCode) : null,
            time: e.time,
          });
        } catch (err) {
          console.warn("[agent] unreadable docker event", (err as Error).message);
        }
      }
    });
    stream.on("end", () => onEnd());
    stream.on("error", (err: Error) => onEnd(err));
    return { close: () => stream.destroy?.() };
  }
}

export function toContainerStatus(i: TInspected): TContainerStatus {
  return {
    role: i.labels[LABEL.role] === "infra" ? "infra" : "app",
    index: Number(i.labels[LABEL.index] ?? -1),
    name: i.labels[LABEL.name] ?? i.name,
    dockerId: i.id,
    image: i.image,
    state: i.state,
    exitCode: i.exitCode,
    oomKilled: i.oomKilled,
    startedAt: i.startedAt,
    specVersion: Number(i.labels[LABEL.specVersion] ?? 0),
  };
}

function parseDockerHost(value: string): Dockerode.DockerOptions {
  if (value.startsWith("unix://")) return { socketPath: value.slice("unix://".length) };
  const url = new URL(value.replace(/^tcp:/, "http:"));
  return { host: url.hostname, port: Number(url.port || 2375), protocol: "http" };
}

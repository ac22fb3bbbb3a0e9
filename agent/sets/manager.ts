import { appConfig, appName, containerLimits, containerSpecHash, infraConfig, teamNetworkName, type TLogCap } from "../docker/config";
import { parseReference } from "../../lib/registry/policy";
import { DockerEngine, toContainerStatus, type TContainerCreate, type TListedContainer } from "../docker/engine";
import { LABEL, volumeKey, type TContainerStatus, type TSetAction, type TSetSpec, type TSetStatus, type TTrashEntry } from "../../lib/protocol/agent";
import fs from "node:fs";
import { downloadImage, uploadImage, type TTransferResult } from "../volumes/transfer";
import { XfsVolumes, VolumeError } from "../volumes/xfs";
import { applySetCgroup, readSetCgroup, removeSetCgroup, setPidsLimit } from "./cgroup";
import { ACK_EXPOSED } from "../../lib/protocol/ack";

const MIB = 1024 * 1024;
const GIB_BYTES = 1024 * MIB;

export class SetError extends Error {
  readonly [ACK_EXPOSED] = true as const;
  constructor(
    readonly code: "IMAGE_UNAVAILABLE" | "WRONG_HOST" | "NOT_FOUND" | "DOCKER" | "VOLUME_TOOLS_MISSING" | "VOLUME_CHECK_FAILED" | "VOLUME_EXISTS",
    message: string,
  ) {
    super(message);
  }
}

export { volumeKey };

/**
 * Turns set specs into containers, idempotently: everything is found again by labels and
 * names derived from the set id, so a retried or interrupted apply adopts what exists and
 * creates only what is missing. One operation at a time per set.
 */
export class SetManager {
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Team network ids, and the in-flight lookups, so concurrent applies create a network once. */
  private readonly networks = new Map<string, Promise<string>>();
  private readonly knownImages = new Set<string>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly hostId: string,
    private readonly infraImage: string,
    readonly volumes: XfsVolumes,
    private readonly onTrashed: (entry: TTrashEntry) => void = () => undefined,
    /** What a set may take from its host besides CPU and memory. */
    private readonly caps: { logs: TLogCap; pidsPerCore: number } = { logs: { maxSize: "10m", maxFiles: 3 }, pidsPerCore: 1024 },
  ) {}

  private serial<T>(setId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(setId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(setId, next);
    void next.finally(() => {
      if (this.queues.get(setId) === next) this.queues.delete(setId);
    }).catch(() => undefined);
    return next;
  }

  apply(spec: TSetSpec): Promise<TSetStatus> {
    if (spec.hostId !== this.hostId) {
      return Promise.reject(new SetError("WRONG_HOST", `Set ${spec.setId} is assigned to another host`));
    }
    return this.serial(spec.setId, () => this.applyNow(spec));
  }

  /** Berth's registry and this host's credential for it (from the console's hello); other registries get no credential. */
  registryAuth: { host: string; credential: string } | null = null;

  /** Resolves when the agent has tried to provide the infra image (it may come from the console's registry after hello). */
  infraReady: () => Promise<void> = () => Promise.resolve();

  /** Told about pull progress (the agent forwards it to the console, which shows it on the sets waiting). */
  onPullProgress: (p: { image: string; doneBytes: number; totalBytes: number; finished: boolean }) => void = () => undefined;
  /** Pulls in flight by reference: a pre-pull and the applies of ten sets share one. */
  private readonly pulls = new Map<string, Promise<void>>();

  /** Starts pulling images not on this host yet, without waiting; returns how many pulls it started or joined. */
  prePull(images: string[]): number {
    let started = 0;
    for (const ref of new Set(images)) {
      if (this.knownImages.has(ref)) continue;
      started++;
      this.pullOnce(ref).catch(() => undefined); // the set apply that needs it reports the failure
    }
    return started;
  }

  private pullOnce(ref: string): Promise<void> {
    let pending = this.pulls.get(ref);
    if (pending) return pending;
    pending = (async () => {
      if (await this.engine.hasImage(ref)) return;
      const r = this.registryAuth;
      const auth = r && parseReference(ref).domain === r.host.toLowerCase() ? { username: "berth-host", password: r.credential, serveraddress: r.host } : undefined;
      let last = 0;
      let sizeKnown = false;
      let totalBytes = 0;
      await this.engine.pull(ref, auth, (p) => {
        totalBytes = p.totalBytes;
        const now = Date.now();
        // The first report with sizes goes at once (a pull over a fast link may last a second); then twice a second.
        if (now - last < 500 && (sizeKnown || p.totalBytes === 0)) return;
        sizeKnown ||= p.totalBytes > 0;
        last = now;
        this.onPullProgress({ image: ref, ...p, finished: false });
      });
      // A failed pull reports nothing more: the apply waiting for it fails the set with Docker's reason.
      this.onPullProgress({ image: ref, doneBytes: totalBytes, totalBytes, finished: true });
    })().finally(() => this.pulls.delete(ref));
    this.pulls.set(ref, pending);
    return pending;
  }

  private async ensureImage(ref: string): Promise<void> {
    if (this.knownImages.has(ref)) return;
    if (ref === this.infraImage) {
      // Bounded: a console that never says hello must not hang applies; the check below then reports why.
      await Promise.race([this.infraReady(), new Promise((r) => setTimeout(r, 60_000).unref())]);
    }
    try {
      await this.pullOnce(ref);
    } catch (err) {
      throw new SetError("IMAGE_UNAVAILABLE", `Image ${ref} is not on this host and could not be pulled: ${(err as Error).message}`);
    }
    this.knownImages.add(ref);
  }

  private ensureNetwork(spec: TSetSpec): Promise<string> {
    const net = spec.network;
    const name = teamNetworkName(spec.teamId, this.hostId, Boolean(net));
    // Keyed by subnet too: a team whose subnet here was freed and given again gets a new bridge.
    const cacheKey = `${name} ${net?.subnet ?? ""}`;
    let pending = this.networks.get(cacheKey);
    if (!pending) {
      const labels = { [LABEL.team]: spec.teamId, ...(net ? { [LABEL.host]: this.hostId } : {}) };
      pending = this.engine.ensureNetwork(name, labels, net ? { subnet: net.subnet, gateway: net.gateway } : undefined);
      this.networks.set(cacheKey, pending);
      pending.catch(() => this.networks.delete(cacheKey));
    }
    return pending;
  }

  private async applyNow(spec: TSetSpec): Promise<TSetStatus> {
    const images = [...new Set(spec.containers.map((c) => c.image))];
    const key = volumeKey(spec.setId, this.hostId);
    // Steps that do not depend on each other overlap: the infra container is created while the
    // volume is made and mounted (a bind is resolved at start, not at create), and business
    // containers are created while the infra container starts. Starts stay in order.
    const existingP = this.engine.listByLabels({ [LABEL.set]: spec.setId, [LABEL.host]: this.hostId });
    const mountP =
      spec.diskGiB > 0
        ? this.volumes.ensure(key, spec.diskGiB, spec.memoryMiB * MIB).catch((err: unknown) => {
            const code = err instanceof VolumeError && (err.code === "VOLUME_TOOLS_MISSING" || err.code === "VOLUME_CHECK_FAILED") ? err.code : "DOCKER";
            throw new SetError(code, (err as Error).message);
          })
        : Promise.resolve(null);
    const readyP = Promise.all([this.ensureNetwork(spec), this.ensureImage(this.infraImage), ...images.map((i) => this.ensureImage(i))]);
    // Nothing left dangling if a later step fails first.
    mountP.catch(() => undefined);
    readyP.catch(() => undefined);
    applySetCgroup(spec.setId, spec.cpuMillis, spec.memoryMiB * MIB, setPidsLimit(spec.cpuMillis, this.caps.pidsPerCore));
    const existing = await existingP;
    const byIndex = new Map<number, TListedContainer>();
    let infra: TListedContainer | undefined;
    for (const c of existing) {
      if (c.labels[LABEL.role] === "infra") infra = c;
      else byIndex.set(Number(c.labels[LABEL.index]), c);
    }

    const [networkId] = await readyP;
    if (infra && spec.network && infra.state !== "running" && !infra.pinnedIps.includes(spec.network.ip)) {
      // A stopped set from before the address plan (or from an old subnet) moves onto its planned
      // address as it starts again: its containers are re-created, its volume stays.
      for (const c of [...byIndex.values()]) await this.engine.remove(c.id);
      await this.engine.remove(infra.id);
      byIndex.clear();
      infra = undefined;
    }
    let infraId = infra?.id;
    if (!infraId) {
      const source = spec.diskGiB > 0 ? this.volumes.mountPoint(key) : null;
      infraId = await this.adopt(spec, infraConfig(spec, this.infraImage, source, networkId, this.caps.logs));
    }
    await mountP;
    const infraStarted = infra?.state === "running" ? Promise.resolve() : this.engine.start(infraId);
    infraStarted.catch(() => undefined);

    // Create (or pick up) every business container in index order, then start them in that order.
    const ordered = [...spec.containers].sort((a, b) => a.index - b.index);
    const toStart: string[] = [];
    for (const c of ordered) {
      const current = byIndex.get(c.index);
      byIndex.delete(c.index);
      const stale = current && (current.labels[LABEL.specHash] !== containerSpecHash(c) || current.name !== appName(spec, c));
      if (current && !stale) {
        // Same container, maybe new limits (an online resize): changed in place, never restarted.
        const want = containerLimits(spec, c);
        const now = await this.engine.inspect(current.id);
        if (now && (now.hostConfig.NanoCpus !== want.NanoCpus || now.hostConfig.Memory !== want.Memory)) {
          await this.engine.updateLimits(current.id, want);
        }
        if (current.state !== "running") toStart.push(current.id);
        continue;
      }
      if (current) await this.engine.remove(current.id);
      toStart.push(await this.adopt(spec, appConfig(spec, c, infraId, this.caps.logs)));
    }
    await infraStarted;
    for (const id of toStart) await this.engine.start(id);
    // Containers for slots the spec no longer has.
    await Promise.all([...byIndex.values()].map((c) => this.engine.remove(c.id)));
    const status = await this.status(spec.setId);
    if (!status) throw new SetError("DOCKER", `Set ${spec.setId} vanished while it was applied`);
    return status;
  }

  /** Create, or adopt the container a killed earlier attempt left under the same name. */
  private async adopt(spec: TSetSpec, config: TContainerCreate): Promise<string> {
    const { id, adopted } = await this.engine.createOrAdopt(config);
    if (adopted) {
      const existing = await this.engine.inspect(id);
      if (existing?.labels[LABEL.host] !== this.hostId || existing.labels[LABEL.set] !== spec.setId) {
        throw new SetError("DOCKER", `Container name ${config.name} is taken by something that is not this set on this host`);
      }
    }
    return id;
  }

  action(a: TSetAction): Promise<TSetStatus | null> {
    return this.serial(a.setId, async () => {
      const containers = await this.engine.listByLabels({ [LABEL.set]: a.setId, [LABEL.host]: this.hostId });
      const infra = containers.filter((c) => c.labels[LABEL.role] === "infra");
      const apps = containers
        .filter((c) => c.labels[LABEL.role] !== "infra")
        .sort((x, y) => Number(x.labels[LABEL.index]) - Number(y.labels[LABEL.index]));
      if (a.action === "remove") {
        for (const c of [...apps].reverse()) await this.engine.remove(c.id);
        for (const c of infra) await this.engine.remove(c.id);
        removeSetCgroup(a.setId);
        const labels = containers[0]?.labels ?? {};
        const entry = await this.volumes.trash(volumeKey(a.setId, this.hostId), {
          setId: a.setId,
          appId: labels[LABEL.app] ?? "",
          teamId: labels[LABEL.team] ?? "",
          sizeGiB: 0,
        });
        if (entry) this.onTrashed(entry);
        const teamId = containers[0]?.labels[LABEL.team];
        if (teamId) await this.removeTeamNetworkIfUnused(teamId);
        return null;
      }
      if (containers.length === 0) throw new SetError("NOT_FOUND", `Set ${a.setId} has no containers on this host`);
      if (a.action === "stop" || a.action === "restart") {
        for (const c of [...apps].reverse()) await this.engine.stop(c.id);
        for (const c of infra) await this.engine.stop(c.id);
      }
      if (a.action === "start" || a.action === "restart") {
        for (const c of infra) await this.engine.start(c.id);
        for (const c of apps) await this.engine.start(c.id);
      }
      return this.status(a.setId);
    });
  }

  /** A team's bridge on this host goes with its last set here (its subnet returns to the console's pool). */
  private async removeTeamNetworkIfUnused(teamId: string): Promise<void> {
    if ((await this.engine.listByLabels({ [LABEL.team]: teamId, [LABEL.host]: this.hostId })).length > 0) return;
    for (const key of [...this.networks.keys()]) if (key.includes(`team-${teamId} `)) this.networks.delete(key);
    await this.engine.removeNetwork(teamNetworkName(teamId, this.hostId, true));
    // The plan-less bridge is shared by every agent on this engine: only when no set of the team is left.
    if ((await this.engine.listByLabels({ [LABEL.team]: teamId })).length === 0) await this.engine.removeNetwork(teamNetworkName(teamId, this.hostId, false));
  }

  async status(setId: string): Promise<TSetStatus | null> {
    const listed = await this.engine.listByLabels({ [LABEL.set]: setId, [LABEL.host]: this.hostId });
    if (listed.length === 0) return null;
    const inspected = await Promise.all(listed.map((c) => this.engine.inspect(c.id)));
    const containers: TContainerStatus[] = [];
    let ip: string | null = null;
    for (const i of inspected) {
      if (!i) continue;
      containers.push(toContainerStatus(i));
      if (i.labels[LABEL.role] === "infra") ip = Object.values(i.ips).find(Boolean) ?? null;
    }
    const first = listed[0];
    return {
      setId,
      teamId: first.labels[LABEL.team] ?? "",
      appId: first.labels[LABEL.app] ?? "",
      ip,
      containers: containers.sort((a, b) => a.index - b.index),
      volume: await this.volumes.usage(volumeKey(setId, this.hostId)),
    };
  }

  /**
   * Puts a trashed volume back into one of this host's sets: the set stops, its current volume
   * goes to the bin, the old one takes its place, the set starts again (infra first).
   */
  restoreVolume(trashKey: string, setId: string): Promise<{ displaced: TTrashEntry | null }> {
    return this.serial(setId, async () => {
      const containers = await this.engine.listByLabels({ [LABEL.set]: setId, [LABEL.host]: this.hostId });
      if (containers.length === 0) throw new SetError("NOT_FOUND", `Set ${setId} has no containers on this host`);
      const infra = containers.filter((c) => c.labels[LABEL.role] === "infra");
      const apps = containers
        .filter((c) => c.labels[LABEL.role] !== "infra")
        .sort((x, y) => Number(x.labels[LABEL.index]) - Number(y.labels[LABEL.index]));
      for (const c of [...apps].reverse()) await this.engine.stop(c.id, 5);
      for (const c of infra) await this.engine.stop(c.id, 5);
      const labels = containers[0].labels;
      const key = volumeKey(setId, this.hostId);
      const displaced = await this.volumes.restore(trashKey, key, { setId, appId: labels[LABEL.app] ?? "", teamId: labels[LABEL.team] ?? "", sizeGiB: 0 });
      await this.volumes.ensure(key, 1, readSetCgroup(setId)?.memoryBytes ?? 0);
      for (const c of infra) await this.engine.start(c.id);
      for (const c of apps) await this.engine.start(c.id);
      if (displaced) this.onTrashed(displaced);
      return { displaced };
    });
  }

  /**
   * First half of moving a set with its data: the set stops, its volume is unmounted and its image
   * is sent to the console's relay. When sending fails, the volume is mounted again and the set
   * starts again here: a failed copy leaves the set where it was.
   */
  sendVolume(setId: string, url: URL, onBytes: (total: number) => void): Promise<TTransferResult> {
    return this.serial(setId, async () => {
      const key = volumeKey(setId, this.hostId);
      const image = this.volumes.imagePath(key);
      if (!fs.existsSync(image)) throw new SetError("NOT_FOUND", `Set ${setId} has no volume on this host`);
      const containers = await this.engine.listByLabels({ [LABEL.set]: setId, [LABEL.host]: this.hostId });
      const infra = containers.filter((c) => c.labels[LABEL.role] === "infra");
      const apps = containers.filter((c) => c.labels[LABEL.role] !== "infra").sort((x, y) => Number(x.labels[LABEL.index]) - Number(y.labels[LABEL.index]));
      for (const c of [...apps].reverse()) await this.engine.stop(c.id, 5);
      for (const c of infra) await this.engine.stop(c.id, 5);
      // Unmounted, the image is consistent: nothing writes to it while it is read.
      await this.volumes.unmount(key);
      try {
        return await uploadImage(image, url, onBytes);
      } catch (err) {
        await this.volumes.ensure(key, 1, readSetCgroup(setId)?.memoryBytes ?? 0);
        for (const c of infra) await this.engine.start(c.id);
        for (const c of apps) await this.engine.start(c.id);
        throw err;
      }
    });
  }

  /**
   * Second half: the image arrives from the relay and becomes this host's volume of the set, which
   * the set's next apply mounts. Never over an existing volume.
   */
  receiveVolume(setId: string, sizeGiB: number, url: URL, onBytes: (total: number) => void): Promise<TTransferResult> {
    return this.serial(setId, async () => {
      const image = this.volumes.imagePath(volumeKey(setId, this.hostId));
      if (fs.existsSync(image)) throw new SetError("VOLUME_EXISTS", `Set ${setId} already has a volume on this host`);
      const partial = `${image}.partial`;
      fs.rmSync(partial, { force: true });
      try {
        const result = await downloadImage(url, partial, Math.max(1, sizeGiB) * GIB_BYTES, onBytes);
        fs.renameSync(partial, image);
        return result;
      } catch (err) {
        fs.rmSync(partial, { force: true });
        throw err;
      }
    });
  }

  /** Everything this host runs for Berth, grouped by set, from labels alone (cheap: one list). */
  async inventory(): Promise<TSetStatus[]> {
    const listed = await this.engine.listByLabels({ [LABEL.host]: this.hostId });
    const sets = new Map<string, TSetStatus>();
    for (const c of listed) {
      const setId = c.labels[LABEL.set];
      if (!setId) continue;
      let s = sets.get(setId);
      if (!s) {
        s = { setId, teamId: c.labels[LABEL.team] ?? "", appId: c.labels[LABEL.app] ?? "", ip: null, containers: [] };
        sets.set(setId, s);
      }
      const role = c.labels[LABEL.role] === "infra" ? "infra" : "app";
      if (role === "infra") s.ip = Object.values(c.ips).find(Boolean) ?? null;
      s.containers.push({
        role,
        index: Number(c.labels[LABEL.index] ?? -1),
        name: c.labels[LABEL.name] ?? c.name,
        dockerId: c.id,
        image: c.image,
        state: c.state,
        exitCode: null,
        oomKilled: false,
        startedAt: null,
        specVersion: Number(c.labels[LABEL.specVersion] ?? 0),
      });
    }
    for (const s of sets.values()) s.containers.sort((a, b) => a.index - b.index);
    return [...sets.values()];
  }
}

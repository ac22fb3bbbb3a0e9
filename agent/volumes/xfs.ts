import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ACK_EXPOSED } from "../../lib/protocol/ack";

const run = promisify(execFile);
const GIB = 1024 ** 3;
const KEY = /^[a-z0-9-]{8,80}$/;
/** Root entries of a volume counted at most (usage reports say "none" or "some", not how many). */
const ROOT_ENTRIES_COUNTED = 100;

export class VolumeError extends Error {
  readonly [ACK_EXPOSED] = true as const;
  constructor(
    readonly code: "VOLUME_TOOLS_MISSING" | "VOLUME_FAILED" | "VOLUME_CHECK_FAILED" | "NOT_FOUND",
    message: string,
  ) {
    super(message);
  }
}

/**
 * How volumes' loop devices are tuned. Both settings exist because on cgroup v1 the page cache a
 * set writes to its volume is charged to the set, and pages waiting for writeback cannot be
 * reclaimed: under host I/O load a 64 MiB set writing a large file held 62 MiB dirty or in
 * writeback (measured) and was OOM-killed instead of getting ENOSPC.
 */
export interface TVolumePolicy {
  /** Loop devices with direct I/O: writes reach the disk without a second copy in the host's page cache. */
  directIo: boolean;
  /** A volume may hold this percent of its set's memory as dirty + writeback pages; 0 leaves the kernel's limits. */
  dirtyPercent: number;
}

const MIN_DIRTY_BYTES = 4 * 1024 * 1024;

export interface TTrashEntry {
  key: string;
  setId: string;
  appId: string;
  teamId: string;
  sizeGiB: number;
  trashedAt: string;
}

/**
 * One loop-backed XFS file system per set, hard-capped at its size: writing past it fails inside
 * the container with ENOSPC and the host's disk is untouched. XFS because it grows online
 * (`xfs_growfs`); ext4 cannot on these hosts. Every command runs with fixed arguments and paths
 * built from validated ids, never a shell.
 */
export class XfsVolumes {
  constructor(
    readonly root: string,
    private readonly policy: TVolumePolicy = { directIo: true, dirtyPercent: 25 },
  ) {}

  private dirs() {
    const d = { images: path.join(this.root, "images"), mnt: path.join(this.root, "mnt"), trash: path.join(this.root, "trash") };
    for (const dir of Object.values(d)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return d;
  }

  private check(key: string): string {
    if (!KEY.test(key)) throw new VolumeError("VOLUME_FAILED", `invalid volume key ${key}`);
    return key;
  }

  imagePath(key: string): string {
    return path.join(this.dirs().images, `${this.check(key)}.xfs`);
  }

  mountPath(key: string): string {
    return path.join(this.dirs().mnt, this.check(key));
  }

  private async exec(cmd: string, args: string[]): Promise<string> {
    try {
      const { stdout } = await run(cmd, args, { timeout: 60_000 });
      return stdout;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === "ENOENT") {
        throw new VolumeError("VOLUME_TOOLS_MISSING", `${cmd} is not installed on this host (install xfsprogs and util-linux)`);
      }
      throw new VolumeError("VOLUME_FAILED", `${cmd} ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`);
    }
  }

  /** The directory the set's file system is (or will be) mounted on; exists once this returns. */
  mountPoint(key: string): string {
    const mnt = this.mountPath(key);
    fs.mkdirSync(mnt, { recursive: true });
    return mnt;
  }

  isMounted(key: string): boolean {
    const target = this.mountPath(key);
    return fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").some((l) => l.split(" ")[4] === target);
  }

  /**
   * Creates (first time) and mounts the set's file system, and tunes its loop device for the set's
   * memory; idempotent (a resize re-tunes). Returns the mount path.
   */
  async ensure(key: string, sizeGiB: number, setMemoryBytes: number): Promise<string> {
    const image = this.imagePath(key);
    const mnt = this.mountPath(key);
    fs.mkdirSync(mnt, { recursive: true });
    if (!fs.existsSync(image)) {
      const partial = `${image}.partial`;
      fs.rmSync(partial, { force: true });
      // Sparse: blocks are used on the host only as the set writes.
      fs.closeSync(fs.openSync(partial, "w", 0o600));
      fs.truncateSync(partial, Math.max(1, sizeGiB) * GIB);
      await this.exec("mkfs.xfs", ["-q", partial]);
      fs.renameSync(partial, image);
    }
    if (!this.isMounted(key)) {
      try {
        await this.exec("mount", ["-o", "loop,nodev,nosuid", image, mnt]);
      } catch (err) {
        throw await this.whyNotMounted(image, err as VolumeError);
      }
    }
    await this.grow(key, sizeGiB);
    await this.tune(key, setMemoryBytes);
    return mnt;
  }

  /**
   * Direct I/O and a strict dirty cap on the volume's loop device. The cap bounds the set's
   * unreclaimable page cache whatever the host's global dirty state: writers to this volume are
   * throttled by the kernel past it (`strict_limit`), instead of the set being OOM-killed. A
   * kernel without these files (before 6.2 for `max_bytes`) keeps its defaults, with a warning.
   */
  private async tune(key: string, setMemoryBytes: number): Promise<void> {
    const loop = this.loopDeviceOf(this.imagePath(key));
    if (!loop) throw new VolumeError("VOLUME_FAILED", `no loop device backs ${this.imagePath(key)}`);
    const dev = path.basename(loop);
    if (this.policy.directIo && readSysfs(`/sys/block/${dev}/loop/dio`) !== "1") {
      // Refused where the backing file system has no O_DIRECT (tmpfs, some overlays): buffered I/O still works.
      await this.exec("losetup", ["--direct-io=on", loop]).catch((err: unknown) => console.warn(`[agent] ${dev}: direct I/O not enabled: ${(err as Error).message}`));
    }
    const pct = this.policy.dirtyPercent;
    setBdiDirtyLimit(dev, pct > 0 ? Math.max(MIN_DIRTY_BYTES, (setMemoryBytes * pct) / 100) : 0);
  }

  /**
   * A file system that does not mount is checked read-only (`xfs_repair -n`): a damaged one is
   * reported as such and left exactly as it is for the operator (never repaired or reformatted
   * here: that could lose what is left of the team's data).
   */
  private async whyNotMounted(image: string, mountError: VolumeError): Promise<VolumeError> {
    try {
      await this.exec("xfs_repair", ["-n", image]);
    } catch (err) {
      const detail = (err as Error).message.split("\n").slice(0, 3).join(" ").slice(0, 300);
      return new VolumeError("VOLUME_CHECK_FAILED", `volume check failed: ${detail}; the image is kept untouched at ${image}`);
    }
    return mountError;
  }

  /** Grows the file and the mounted file system online; never shrinks. */
  async grow(key: string, sizeGiB: number): Promise<void> {
    const image = this.imagePath(key);
    const want = Math.max(1, sizeGiB) * GIB;
    if (fs.statSync(image).size >= want) return;
    fs.truncateSync(image, want);
    const loop = this.loopDeviceOf(image);
    if (!loop) throw new VolumeError("VOLUME_FAILED", `no loop device backs ${image}`);
    await this.exec("losetup", ["-c", loop]);
    await this.exec("xfs_growfs", [this.mountPath(key)]);
  }

  /** The loop device backing `image`, read from sysfs rather than from a command's output. */
  private loopDeviceOf(image: string): string | null {
    for (const dev of fs.readdirSync("/sys/block").filter((d) => d.startsWith("loop"))) {
      try {
        if (fs.readFileSync(`/sys/block/${dev}/loop/backing_file`, "utf8").trim() === image) return `/dev/${dev}`;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    return null;
  }

  async usage(key: string): Promise<{ usedBytes: number; sizeBytes: number; entries: number } | null> {
    if (!this.isMounted(key)) return null;
    const st = await fs.promises.statfs(this.mountPath(key));
    // Whether the set wrote anything: XFS keeps its own metadata out of the root directory, so
    // any entry there is the team's. Counting stops early: only "none" and "some" matter.
    const dir = await fs.promises.opendir(this.mountPath(key));
    let entries = 0;
    try {
      for await (const _ of dir) if (++entries >= ROOT_ENTRIES_COUNTED) break;
    } finally {
      await dir.close().catch((err: unknown) => void err);
    }
    return { usedBytes: (st.blocks - st.bfree) * st.bsize, sizeBytes: st.blocks * st.bsize, entries };
  }

  async unmount(key: string): Promise<void> {
    if (this.isMounted(key)) {
      // Loop devices are reused by whatever attaches next: hand this one back with the kernel's defaults.
      const loop = this.loopDeviceOf(this.imagePath(key));
      if (loop) setBdiDirtyLimit(path.basename(loop), 0);
      await this.exec("umount", [this.mountPath(key)]);
    }
    fs.rmSync(this.mountPath(key), { recursive: true, force: true });
  }

  /** Moves the set's file system to the recycle bin (unmounted, data intact). */
  async trash(key: string, meta: Omit<TTrashEntry, "key" | "trashedAt">): Promise<TTrashEntry | null> {
    const image = this.imagePath(key);
    await this.unmount(key);
    if (!fs.existsSync(image)) return null;
    const entry: TTrashEntry = { ...meta, key: this.check(`${key}-${Date.now().toString(36)}`), trashedAt: new Date().toISOString() };
    const dir = this.dirs().trash;
    fs.renameSync(image, path.join(dir, `${entry.key}.xfs`));
    fs.writeFileSync(path.join(dir, `${entry.key}.json`), JSON.stringify(entry));
    return entry;
  }

  /** Usage of every mounted set volume, by key. */
  async mountedUsage(): Promise<Array<{ key: string; usedBytes: number; sizeBytes: number; entries: number }>> {
    const keys = fs.readdirSync(this.dirs().mnt).filter((k) => KEY.test(k));
    const out: Array<{ key: string; usedBytes: number; sizeBytes: number; entries: number }> = [];
    for (const key of keys) {
      const u = await this.usage(key);
      if (u) out.push({ key, ...u });
    }
    return out;
  }

  /** Bytes the recycle bin holds on disk (the images are sparse: allocated blocks, not length). */
  trashBytes(): number {
    const dir = this.dirs().trash;
    let total = 0;
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith(".xfs")) total += fs.statSync(path.join(dir, f)).blocks * 512;
    }
    return total;
  }

  listTrash(): TTrashEntry[] {
    const dir = this.dirs().trash;
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as TTrashEntry);
  }

  /** Puts a trashed file system back as `key`'s volume; the current one (if any) goes to the bin. */
  async restore(trashKey: string, key: string, meta: Omit<TTrashEntry, "key" | "trashedAt">): Promise<TTrashEntry | null> {
    const dir = this.dirs().trash;
    const from = path.join(dir, `${this.check(trashKey)}.xfs`);
    if (!fs.existsSync(from)) throw new VolumeError("NOT_FOUND", `volume ${trashKey} is not in the recycle bin`);
    const displaced = await this.trash(key, meta);
    fs.renameSync(from, this.imagePath(key));
    fs.rmSync(path.join(dir, `${trashKey}.json`), { force: true });
    return displaced;
  }

  purge(trashKey: string): void {
    const dir = this.dirs().trash;
    fs.rmSync(path.join(dir, `${this.check(trashKey)}.xfs`), { force: true });
    fs.rmSync(path.join(dir, `${trashKey}.json`), { force: true });
  }
}

function readSysfs(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** `bytes` > 0: strict cap of that many dirty + writeback bytes on the device; 0: the kernel's defaults. */
function setBdiDirtyLimit(dev: string, bytes: number): void {
  const bdi = `/sys/block/${dev}/bdi`;
  try {
    if (bytes > 0) {
      fs.writeFileSync(`${bdi}/max_bytes`, String(Math.round(bytes)));
      fs.writeFileSync(`${bdi}/strict_limit`, "1");
    } else if (readSysfs(`${bdi}/strict_limit`) === "1" || readSysfs(`${bdi}/max_ratio`) !== "100") {
      fs.writeFileSync(`${bdi}/strict_limit`, "0");
      fs.writeFileSync(`${bdi}/max_ratio`, "100");
    }
  } catch (err) {
    console.warn(`[agent] ${dev}: dirty-page cap not set: ${(err as Error).message}`);
  }
}

import fs from "node:fs";
import path from "node:path";
import { statValue } from "../metrics/parse";

/**
 * The per-set parent cgroup that caps the set as a whole. Docker (cgroupfs driver) places each
 * container of the set below `/berth/<setId>`; the agent writes the set's CPU and memory limit on
 * that parent, so container percents that add up past 100 still cannot exceed the set.
 */

interface TCgroupMounts {
  version: 1 | 2;
  cpu?: string;
  memory?: string;
  pids?: string;
  unified?: string;
}

let cachedMounts: TCgroupMounts | undefined;

export function cgroupMounts(mountinfo = "/proc/self/mountinfo"): TCgroupMounts {
  if (cachedMounts) return cachedMounts;
  const lines = fs.readFileSync(mountinfo, "utf8").split("\n");
  const found: TCgroupMounts = { version: 1 };
  for (const line of lines) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const mountPoint = left.split(" ")[4];
    const [fstype, , superOptions = ""] = right.split(" ");
    if (fstype === "cgroup2" && !found.unified) found.unified = mountPoint;
    if (fstype === "cgroup") {
      const opts = superOptions.split(",");
      if (opts.includes("cpu")) found.cpu = mountPoint;
      if (opts.includes("memory")) found.memory = mountPoint;
      if (opts.includes("pids")) found.pids = mountPoint;
    }
  }
  if (!found.cpu && !found.memory && found.unified) found.version = 2;
  cachedMounts = found;
  return found;
}

export function cgroupParentPath(setId: string): string {
  return path.posix.join("berth", setId);
}

function write(file: string, value: string): void {
  fs.writeFileSync(file, value);
}

function enableControllers(dir: string): void {
  const available = fs.readFileSync(path.join(dir, "cgroup.controllers"), "utf8").split(/\s+/);
  const wanted = ["cpu", "memory", "pids"].filter((c) => available.includes(c));
  if (wanted.length) write(path.join(dir, "cgroup.subtree_control"), wanted.map((c) => `+${c}`).join(" "));
}

const CFS_PERIOD_US = 100_000;

/** Processes a set of this size may run: `perCore` per core, never fewer than 256. */
export function setPidsLimit(cpuMillis: number, perCore: number): number {
  return Math.max(256, Math.round((cpuMillis / 1000) * perCore));
}

/** Creates (or updates) the set's parent cgroup with its total CPU, memory and processes. Idempotent. */
export function applySetCgroup(setId: string, cpuMillis: number, memoryBytes: number, pidsMax: number): void {
  const m = cgroupMounts();
  const rel = cgroupParentPath(setId);
  const quota = Math.max(1000, Math.round((cpuMillis / 1000) * CFS_PERIOD_US));
  if (m.version === 2 && m.unified) {
    const berthDir = path.join(m.unified, "berth");
    fs.mkdirSync(berthDir, { recursive: true });
    enableControllers(m.unified);
    enableControllers(berthDir);
    const dir = path.join(m.unified, rel);
    fs.mkdirSync(dir, { recursive: true });
    write(path.join(dir, "cpu.max"), `${quota} ${CFS_PERIOD_US}`);
    write(path.join(dir, "memory.max"), String(memoryBytes));
    write(path.join(dir, "pids.max"), String(pidsMax));
    enableControllers(dir);
    return;
  }
  if (!m.cpu || !m.memory) throw new Error("cgroup v1 cpu or memory controller is not mounted");
  const cpuDir = path.join(m.cpu, rel);
  fs.mkdirSync(cpuDir, { recursive: true });
  write(path.join(cpuDir, "cpu.cfs_period_us"), String(CFS_PERIOD_US));
  write(path.join(cpuDir, "cpu.cfs_quota_us"), String(quota));
  const memDir = path.join(m.memory, rel);
  fs.mkdirSync(memDir, { recursive: true });
  write(path.join(memDir, "memory.limit_in_bytes"), String(memoryBytes));
  if (m.pids) {
    const pidsDir = path.join(m.pids, rel);
    fs.mkdirSync(pidsDir, { recursive: true });
    write(path.join(pidsDir, "pids.max"), String(pidsMax));
  }
}

export function readSetCgroup(setId: string): { cpuQuotaUs: number; cpuPeriodUs: number; memoryBytes: number } | null {
  const m = cgroupMounts();
  const rel = cgroupParentPath(setId);
  try {
    if (m.version === 2 && m.unified) {
      const [quota, period] = fs.readFileSync(path.join(m.unified, rel, "cpu.max"), "utf8").trim().split(" ");
      const mem = fs.readFileSync(path.join(m.unified, rel, "memory.max"), "utf8").trim();
      return { cpuQuotaUs: Number(quota), cpuPeriodUs: Number(period), memoryBytes: Number(mem) };
    }
    if (!m.cpu || !m.memory) return null;
    return {
      cpuQuotaUs: Number(fs.readFileSync(path.join(m.cpu, rel, "cpu.cfs_quota_us"), "utf8")),
      cpuPeriodUs: Number(fs.readFileSync(path.join(m.cpu, rel, "cpu.cfs_period_us"), "utf8")),
      memoryBytes: Number(fs.readFileSync(path.join(m.memory, rel, "memory.limit_in_bytes"), "utf8")),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Removes the set's cgroup directories once its containers are gone (runc removes theirs). */
export function removeSetCgroup(setId: string): void {
  const m = cgroupMounts();
  const rel = cgroupParentPath(setId);
  const roots = m.version === 2 ? [m.unified] : [m.cpu, m.memory, ...otherV1Roots()];
  for (const root of roots) {
    if (!root) continue;
    const dir = path.join(root, rel);
    try {
      fs.rmdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") console.warn(`[agent] cgroup ${dir} not removed: ${code}`);
    }
  }
}

/** Docker creates the parent under every v1 controller (pids, blkio…); tidy those too. */
function otherV1Roots(): string[] {
  const base = "/sys/fs/cgroup";
  try {
    return fs
      .readdirSync(base)
      .map((d) => path.join(base, d))
      .filter((d) => fs.existsSync(path.join(d, "berth")));
  } catch (err) {
    console.warn("[agent] cannot list cgroup controllers", (err as Error).message);
    return [];
  }
}

const MIB = 1024 * 1024;

/**
 * What filled a container's memory when the kernel OOM-killed in it, read from its cgroup right
 * after the event: anonymous memory, and page cache with its dirty and writeback share (pages a
 * cgroup v1 memory limit cannot reclaim until the disk has them). Null when the cgroup is gone.
 */
export function oomCause(setId: string, dockerId: string): string | null {
  const m = cgroupMounts();
  const mount = m.version === 2 ? m.unified : m.memory;
  if (!mount) return null;
  const base = path.join(mount, cgroupParentPath(setId));
  const dir = [path.join(base, dockerId), path.join(base, `docker-${dockerId}.scope`)].find((d) => fs.existsSync(d));
  if (!dir) return null;
  try {
    const stat = fs.readFileSync(path.join(dir, "memory.stat"), "utf8");
    const limitText = fs.readFileSync(path.join(dir, m.version === 2 ? "memory.max" : "memory.limit_in_bytes"), "utf8").trim();
    const v = (v1: string, v2: string) => (m.version === 2 ? statValue(stat, v2) : statValue(stat, v1)) ?? 0;
    const mib = (n: number) => `${Math.round(n / MIB)} MiB`;
    const limit = Number(limitText);
    return [
      Number.isFinite(limit) && limit < 2 ** 60 ? `limit ${mib(limit)}` : "no limit of its own",
      `anonymous ${mib(v("total_rss", "anon"))}`,
      `page cache ${mib(v("total_cache", "file"))} (dirty ${mib(v("total_dirty", "file_dirty"))}, writeback ${mib(v("total_writeback", "file_writeback"))})`,
    ].join(", ");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

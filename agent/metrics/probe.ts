import fs from "node:fs";
import path from "node:path";
import {
  firstPid,
  parseBlkioV1,
  parseCpuStatV2,
  parseIoStatV2,
  parseLimit,
  parseMemoryStatV1,
  parseMemoryStatV2,
  parseNetDev,
  type TCgroupLayout,
  type TMemoryStat,
  type TNetBytes,
} from "./parse";
import { KernelFile } from "./reader";

/** What one reading of a container's cgroup gives; counters are cumulative. */
export interface TRawContainer {
  cpuNs: number;
  memoryBytes: number;
  /** Infinity when the container itself has no limit. */
  memoryLimitBytes: number;
  stat: TMemoryStat | null;
  blkRead: number;
  blkWrite: number;
  pids: number;
}

/**
 * The container's directory under each controller. Docker's cgroupfs driver puts a container of
 * cgroup parent `/berth/<setId>` at `<mount>/berth/<setId>/<id>`; the systemd driver names it
 * `docker-<id>.scope` instead, so that form is tried when the first is missing.
 */
export function containerDir(mount: string, setId: string, containerId: string): string {
  const plain = path.join(mount, "berth", setId, containerId);
  if (fs.existsSync(plain)) return plain;
  const scope = path.join(mount, "berth", setId, `docker-${containerId}.scope`);
  return fs.existsSync(scope) ? scope : plain;
}

/**
 * Reads one container's cgroup files through kept-open descriptors. Per tick it reads only what
 * moves every second (CPU, memory usage, block IO): three preads. The limit, the rss/cache split
 * (memory.stat is the biggest file) and the pid count change rarely; they are read when `detail`
 * is asked (the 15 s sweep) and carried in between. The kernel's read dominates the cost, so
 * every file not read per tick is a third off the agent's CPU.
 */
export class ContainerProbe {
  private readonly cpu: KernelFile;
  private readonly memory: KernelFile;
  private readonly limit: KernelFile;
  private readonly stat: KernelFile;
  private readonly io: KernelFile | null;
  private readonly pids: KernelFile | null;
  private readonly v2: boolean;
  private lastLimit = Infinity;
  private lastStat: TMemoryStat | null = null;
  private lastPids: number | null = null;

  constructor(layout: TCgroupLayout, setId: string, readonly containerId: string) {
    this.v2 = layout.version === 2;
    if (this.v2) {
      if (!layout.unified) throw new Error("cgroup v2 without a cgroup2 mount");
      const dir = containerDir(layout.unified, setId, containerId);
      this.cpu = new KernelFile(path.join(dir, "cpu.stat"));
      this.memory = new KernelFile(path.join(dir, "memory.current"));
      this.limit = new KernelFile(path.join(dir, "memory.max"));
      this.stat = new KernelFile(path.join(dir, "memory.stat"));
      this.io = new KernelFile(path.join(dir, "io.stat"));
      this.pids = new KernelFile(path.join(dir, "pids.current"));
      return;
    }
    if (!layout.cpuacct || !layout.memory) throw new Error("cgroup v1 cpuacct or memory controller is not mounted");
    const mem = containerDir(layout.memory, setId, containerId);
    this.cpu = new KernelFile(path.join(containerDir(layout.cpuacct, setId, containerId), "cpuacct.usage"));
    this.memory = new KernelFile(path.join(mem, "memory.usage_in_bytes"));
    this.limit = new KernelFile(path.join(mem, "memory.limit_in_bytes"));
    this.stat = new KernelFile(path.join(mem, "memory.stat"));
    this.io = layout.blkio ? new KernelFile(path.join(containerDir(layout.blkio, setId, containerId), "blkio.throttle.io_service_bytes")) : null;
    this.pids = layout.pids ? new KernelFile(path.join(containerDir(layout.pids, setId, containerId), "pids.current")) : null;
  }

  /** CPU time alone: primes the CPU% baseline the moment a container is discovered. */
  cpuNs(): number | null {
    let ns: number | null;
    if (this.v2) {
      const text = this.cpu.read();
      ns = text === null ? null : parseCpuStatV2(text);
    } else {
      ns = this.cpu.readNumber();
    }
    return ns !== null && Number.isFinite(ns) ? ns : null;
  }

  /**
   * null when the container's cgroup is gone (stopped or removed). `onCpuRead` runs right after
   * the CPU counter is read: the caller's timestamp for it, since the reads after it can block
   * for a while on a busy host and CPU% divides by the time between two counter reads.
   */
  read(detail: boolean, onCpuRead: () => void = () => undefined): TRawContainer | null {
    const cpuNs = this.cpuNs();
    onCpuRead();
    if (cpuNs === null) return null;
    const memoryBytes = this.memory.readNumber();
    if (memoryBytes === null) return null;
    if (detail || this.lastStat === null) {
      const lim = this.limit.read();
      if (lim !== null) this.lastLimit = parseLimit(lim);
      const st = this.stat.read();
      if (st !== null) this.lastStat = this.v2 ? parseMemoryStatV2(st) : parseMemoryStatV1(st);
    }
    const ioText = this.io?.read() ?? null;
    const io = ioText === null ? { read: 0, write: 0 } : this.v2 ? parseIoStatV2(ioText) : parseBlkioV1(ioText);
    if (detail || this.lastPids === null) {
      const pids = this.pids?.readNumber() ?? null;
      this.lastPids = pids === null || Number.isNaN(pids) ? 0 : pids;
    }
    return {
      cpuNs,
      memoryBytes,
      memoryLimitBytes: this.lastLimit,
      stat: this.lastStat,
      blkRead: io.read,
      blkWrite: io.write,
      pids: this.lastPids,
    };
  }

  close(): void {
    for (const f of [this.cpu, this.memory, this.limit, this.stat, this.io, this.pids]) f?.close();
  }
}

/**
 * A set's network counters: `/proc/<pid>/net/dev` of a process in the infra container (the
 * namespace every container of the set joins). The pid comes from the infra container's
 * `cgroup.procs`, re-read when the infra container restarts (its net/dev read fails then) or
 * when `recheck` is asked, so no Docker inspect is needed.
 */
export class SetNetProbe {
  private readonly procs: KernelFile;
  private pid: number | null = null;
  private netDev: KernelFile | null = null;

  constructor(layout: TCgroupLayout, setId: string, infraId: string) {
    const mount = layout.version === 2 ? layout.unified : (layout.pids ?? layout.memory);
    if (!mount) throw new Error("no cgroup mount to find the infra container's processes in");
    this.procs = new KernelFile(path.join(containerDir(mount, setId, infraId), "cgroup.procs"));
  }

  private resolve(): boolean {
    const text = this.procs.read();
    const pid = text === null ? null : firstPid(text);
    if (pid !== this.pid) {
      this.netDev?.close();
      this.pid = pid;
      this.netDev = pid === null ? null : new KernelFile(`/proc/${pid}/net/dev`);
    }
    return this.netDev !== null;
  }

  read(recheck: boolean): TNetBytes | null {
    if ((recheck || this.netDev === null) && !this.resolve()) return null;
    let text = this.netDev?.read() ?? null;
    if (text === null && this.resolve()) text = this.netDev?.read() ?? null;
    return text === null ? null : parseNetDev(text);
  }

  close(): void {
    this.procs.close();
    this.netDev?.close();
  }
}

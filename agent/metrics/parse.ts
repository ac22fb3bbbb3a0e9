/**
 * Parsers for the few kernel files the metrics collector reads. Pure string → number functions,
 * so the v1 and v2 formats are tested from fixture text without a kernel. They run every second
 * for every watched container: no regexes over whole files, no intermediate arrays of lines.
 */

/** cgroup v1 reports "no limit" as PAGE_COUNTER_MAX × page size (≈ 2^63); anything this big is unlimited. */
const UNLIMITED_FROM = 2 ** 60;

/** A file holding one integer (`cpuacct.usage`, `memory.current`, `pids.current`…); NaN when unreadable. */
export function parseNumber(text: string): number {
  return Number(text.trim());
}

/** A limit file: a number, or `max` (v2) / a huge number (v1) meaning unlimited → Infinity. */
export function parseLimit(text: string): number {
  const t = text.trim();
  if (t === "max") return Infinity;
  const n = Number(t);
  return Number.isFinite(n) && n < UNLIMITED_FROM ? n : Infinity;
}

/**
 * The value of `key` in a flat-keyed file of `key value` lines (`memory.stat`, v2 `cpu.stat`);
 * undefined when the key is absent. Matches whole keys only (`rss` is not `rss_huge`).
 */
export function statValue(text: string, key: string): number | undefined {
  let from = 0;
  for (;;) {
    const i = text.indexOf(key, from);
    if (i < 0) return undefined;
    const atLineStart = i === 0 || text.charCodeAt(i - 1) === 10;
    const after = i + key.length;
    if (atLineStart && text.charCodeAt(after) === 32) {
      const end = text.indexOf("\n", after);
      return Number(text.slice(after + 1, end < 0 ? text.length : end));
    }
    from = after;
  }
}

export interface TMemoryStat {
  rss: number;
  cache: number;
}

/** v1 `memory.stat`: the hierarchical totals when present (they include children), else the local values. */
export function parseMemoryStatV1(text: string): TMemoryStat {
  return {
    rss: statValue(text, "total_rss") ?? statValue(text, "rss") ?? 0,
    cache: statValue(text, "total_cache") ?? statValue(text, "cache") ?? 0,
  };
}

/** v2 `memory.stat`: anonymous memory is the rss of v1, file-backed pages its cache. */
export function parseMemoryStatV2(text: string): TMemoryStat {
  return { rss: statValue(text, "anon") ?? 0, cache: statValue(text, "file") ?? 0 };
}

/** v2 `cpu.stat` → cumulative CPU time in nanoseconds (the file counts microseconds). */
export function parseCpuStatV2(text: string): number {
  const usec = statValue(text, "usage_usec");
  return usec === undefined ? NaN : usec * 1000;
}

export interface TIoBytes {
  read: number;
  write: number;
}

/**
 * v1 `blkio.throttle.io_service_bytes`: `MAJ:MIN Op bytes` lines for Read, Write, Sync, Async,
 * Discard and Total per device, then a `Total n` line. Read and Write are summed across devices.
 */
export function parseBlkioV1(text: string): TIoBytes {
  let read = 0;
  let write = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const s1 = text.indexOf(" ", start);
    if (s1 > start && s1 < end) {
      const s2 = text.indexOf(" ", s1 + 1);
      if (s2 > s1 && s2 < end) {
        const op = text.slice(s1 + 1, s2);
        if (op === "Read") read += Number(text.slice(s2 + 1, end));
        else if (op === "Write") write += Number(text.slice(s2 + 1, end));
      }
    }
    start = end + 1;
  }
  return { read, write };
}

/** v2 `io.stat`: `MAJ:MIN rbytes=… wbytes=… rios=… …` per device; bytes summed across devices. */
export function parseIoStatV2(text: string): TIoBytes {
  let read = 0;
  let write = 0;
  const take = (key: string, from: number, end: number): number => {
    const i = text.indexOf(key, from);
    if (i < 0 || i >= end) return 0;
    const s = i + key.length;
    let e = text.indexOf(" ", s);
    if (e < 0 || e > end) e = end;
    return Number(text.slice(s, e)) || 0;
  };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    read += take(" rbytes=", start, end);
    write += take(" wbytes=", start, end);
    start = end + 1;
  }
  return { read, write };
}

export interface TNetBytes {
  rx: number;
  tx: number;
}

/**
 * `/proc/<pid>/net/dev`: two header lines, then `iface: rx_bytes rx_packets … (8 rx fields)
 * tx_bytes …`. Loopback is traffic inside the set, not the set's network use: skipped.
 */
export function parseNetDev(text: string): TNetBytes {
  let rx = 0;
  let tx = 0;
  let start = text.indexOf("\n", text.indexOf("\n") + 1) + 1;
  if (start <= 0) return { rx, tx };
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(":", start);
    if (colon > start && colon < end) {
      const iface = text.slice(start, colon).trim();
      if (iface !== "lo") {
        const fields = text.slice(colon + 1, end).trim().split(/\s+/);
        rx += Number(fields[0]) || 0;
        tx += Number(fields[8]) || 0;
      }
    }
    start = end + 1;
  }
  return { rx, tx };
}

/** The first pid in a `cgroup.procs` file (one pid per line), or null when the cgroup is empty. */
export function firstPid(text: string): number | null {
  const end = text.indexOf("\n");
  const n = Number(end < 0 ? text : text.slice(0, end));
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Where each controller this collector reads is mounted. */
export interface TCgroupLayout {
  version: 1 | 2;
  cpuacct?: string;
  memory?: string;
  blkio?: string;
  pids?: string;
  unified?: string;
}

/**
 * `/proc/self/mountinfo` → controller mount points. v1 controllers may share a mount
 * (`cpu,cpuacct`); a host with both v1 controllers and a cgroup2 mount (hybrid) keeps its
 * resource controllers on v1, which is where Docker's cgroupfs driver accounts containers.
 */
export function parseMountinfo(text: string): TCgroupLayout {
  const found: TCgroupLayout = { version: 1 };
  for (const line of text.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const mountPoint = line.slice(0, sep).split(" ")[4];
    const [fstype, , superOptions = ""] = line.slice(sep + 3).split(" ");
    if (!mountPoint) continue;
    if (fstype === "cgroup2") {
      found.unified ??= mountPoint;
    } else if (fstype === "cgroup") {
      const opts = superOptions.split(",");
      for (const c of ["cpuacct", "memory", "blkio", "pids"] as const) {
        if (opts.includes(c)) found[c] ??= mountPoint;
      }
    }
  }
  if (!found.cpuacct && !found.memory && found.unified) found.version = 2;
  return found;
}

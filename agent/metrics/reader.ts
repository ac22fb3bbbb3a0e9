import fs from "node:fs";

/**
 * A kernel file read again and again through one open descriptor: `pread` at offset 0 makes
 * cgroupfs and procfs regenerate the content, so a tick costs one syscall per file instead of
 * open + read + close. Synchronous on purpose: these reads take microseconds and never block on
 * a disk, and the thread pool round trip of async fs would cost more than the read.
 */

// One scratch buffer for every read: the collector is synchronous, so reads never overlap.
let scratch = Buffer.allocUnsafe(64 * 1024);

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  // The container stopped (cgroup removed), its process exited, or it never existed.
  return code === "ENOENT" || code === "ENODEV" || code === "ESRCH" || code === "EINVAL" || code === "ENOTDIR";
}

export class KernelFile {
  private fd: number | null = null;

  constructor(readonly path: string) {}

  /**
   * A file holding one decimal integer, parsed from the bytes without building a string: the
   * per-tick files (cpuacct.usage, memory.usage_in_bytes, pids.current) are read this way.
   * null when the file is gone; NaN when it holds something else (`max`).
   */
  readNumber(): number | null {
    const n = this.readRaw();
    if (n === null) return null;
    let value = 0;
    let i = 0;
    while (i < n && scratch[i] === 32) i++;
    const start = i;
    for (; i < n; i++) {
      const d = scratch[i] - 48;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
    }
    return i === start || (i < n && scratch[i] !== 10) ? NaN : value;
  }

  /** The file's text, or null when it does not exist (any more). Other errors throw. */
  read(): string | null {
    const n = this.readRaw();
    return n === null ? null : scratch.toString("latin1", 0, n);
  }

  /** Reads the file into the scratch buffer; its length, or null when gone. */
  private readRaw(): number | null {
    try {
      if (this.fd === null) this.fd = fs.openSync(this.path, "r");
      let n = fs.readSync(this.fd, scratch, 0, scratch.length, 0);
      if (n === scratch.length) {
        // Larger than the scratch buffer (memory.stat with many NUMA nodes, many block devices): grow once.
        scratch = Buffer.allocUnsafe(scratch.length * 4);
        n = fs.readSync(this.fd, scratch, 0, scratch.length, 0);
      }
      if (n === 0) {
        // A removed cgroup's open file reads empty on some kernels: reopen on the next read.
        this.close();
        return null;
      }
      return n;
    } catch (err) {
      this.close();
      if (isGone(err)) return null;
      throw err;
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fs.closeSync(fd);
    } catch (err) {
      console.warn(`[agent metrics] closing ${this.path}: ${(err as Error).message}`);
    }
  }
}

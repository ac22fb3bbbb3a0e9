import fs from "node:fs";

/** Resident memory of the console's biggest process (the server; the group also holds wrappers). */
export function consoleRssBytes(consolePid: number): number {
  let biggest = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let status: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ESRCH") continue;
      throw err;
    }
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    if (pgrp !== consolePid) continue;
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    biggest = Math.max(biggest, kb * 1024);
  }
  return biggest;
}

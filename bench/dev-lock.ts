import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../tests/helpers/console";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Next allows one `next dev` per directory, and tests of this work tree start their own: wait for
 * theirs to end (BENCH_LOCK_WAIT_S, default 15 min) rather than fail at once.
 */
export async function waitForDevLock(log: (m: string) => void): Promise<void> {
  const lock = path.join(REPO_ROOT, ".next", "dev", "lock");
  const deadline = Date.now() + Number(process.env.BENCH_LOCK_WAIT_S ?? 900) * 1000;
  let said = false;
  while (Date.now() < deadline) {
    let pid: unknown;
    try {
      pid = (JSON.parse(fs.readFileSync(lock, "utf8")) as { pid?: unknown }).pid;
    } catch (err) {
      // No lock file, or one being written: startConsole's own check decides.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" && !(err instanceof SyntaxError)) throw err;
      return;
    }
    if (typeof pid !== "number" || !pidAlive(pid)) return;
    if (!said) log(`next dev pid ${pid} holds ${lock}; waiting for it to exit`);
    said = true;
    await sleep(5000);
  }
}

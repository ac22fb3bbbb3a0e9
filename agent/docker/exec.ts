import fs from "node:fs";
import type { Duplex } from "node:stream";
import { FrameDemuxer } from "../logs/lines";
import type { DockerEngine } from "./engine";

/**
 * `docker exec` for terminals, through the engine's dockerode client (this directory is the only
 * place that touches dockerode). Every command here is a constant: no user text ever reaches a
 * shell; values travel as environment variables.
 */

/** Marks every process of one terminal session (inherited by its children) so it can be ended. */
export const SESSION_ENV = "BERTH_EXEC_SESSION";

// Finds the shell without user input: bash when the image has it, else sh. (BusyBox answers
// `command -v` with a bare applet name, hence the absolute-path test.)
const PICK_SHELL = 'b=$(command -v bash 2>/dev/null); case "$b" in /*) echo "$b" ;; *) echo /bin/sh ;; esac';

// Docker has no "kill exec" call and keeps an exec running after its client detached, so a closed
// session is ended from inside the container: HUP (what a terminal hangup sends) to every process
// carrying the session's marker, then KILL for whatever ignored it. The marker arrives as $MARK.
const KILL_SESSION = [
  "sig=HUP",
  "for round in 1 2 3 4 5 6 7 8 9 10; do",
  "  found=",
  "  for p in /proc/[0-9]*; do",
  '    pid=${p#/proc/}',
  '    [ "$pid" = "$$" ] && continue',
  "    if tr '\\0' '\\n' < \"$p/environ\" 2>/dev/null | grep -qxF \"$MARK\"; then found=1; kill -$sig \"$pid\" 2>/dev/null; fi",
  "  done",
  '  [ -z "$found" ] && exit 0',
  '  [ "$round" -ge 3 ] && sig=KILL',
  "  sleep 0.2",
  "done",
  "exit 1",
].join("\n");

export interface TCaptured {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a fixed command (no TTY) and collects its output, bounded to `maxBytes` per stream. */
export async function execCapture(
  engine: DockerEngine,
  containerId: string,
  cmd: string[],
  opts: { env?: string[]; timeoutMs?: number; maxBytes?: number } = {},
): Promise<TCaptured> {
  const max = opts.maxBytes ?? 256 * 1024;
  const exec = await engine.docker.getContainer(containerId).exec({
    Cmd: cmd,
    Env: opts.env ?? [],
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  const out: Record<"stdout" | "stderr", Buffer[]> = { stdout: [], stderr: [] };
  const size = { stdout: 0, stderr: 0 };
  const demux = new FrameDemuxer((name, payload) => {
    if (size[name] >= max) return;
    out[name].push(payload);
    size[name] += payload.length;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`${cmd[0]} did not finish within ${opts.timeoutMs ?? 10_000} ms`));
    }, opts.timeoutMs ?? 10_000);
    stream.on("data", (b: Buffer) => demux.push(b));
    stream.once("end", () => {
      clearTimeout(timer);
      resolve();
    });
    stream.once("error", (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  const info = await exec.inspect();
  return {
    code: info.ExitCode ?? null,
    stdout: Buffer.concat(out.stdout).toString("utf8"),
    stderr: Buffer.concat(out.stderr).toString("utf8"),
  };
}

/** The absolute path of bash when the image has it, else of sh; null when there is no shell. */
export async function pickShell(engine: DockerEngine, containerId: string): Promise<string | null> {
  try {
    const r = await execCapture(engine, containerId, ["/bin/sh", "-c", PICK_SHELL], { timeoutMs: 5000 });
    const path = r.stdout.trim().split("\n")[0] ?? "";
    return r.code === 0 && /^\/[A-Za-z0-9_./-]+$/.test(path) ? path : null;
  } catch (err) {
    // No /bin/sh at all (distroless images): Docker refuses the exec with "executable file not found".
    if (/not found|no such file/i.test((err as Error).message)) return null;
    throw err;
  }
}

export interface TShellExec {
  execId: string;
  /** The hijacked connection: raw TTY bytes both ways. */
  stream: Duplex;
  /**
   * Detaches from the exec. Docker keeps a detached exec running, so this alone does not end the
   * shell: callers end it with killSession.
   */
  close(): void;
}

export async function startShell(
  engine: DockerEngine,
  containerId: string,
  shell: string,
  sessionId: string,
): Promise<TShellExec> {
  const exec = await engine.docker.getContainer(containerId).exec({
    Cmd: [shell],
    Env: ["TERM=xterm-256color", `${SESSION_ENV}=${sessionId}`],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  return { execId: exec.id, stream, close: () => stream.destroy() };
}

export async function resizeExec(engine: DockerEngine, execId: string, cols: number, rows: number): Promise<void> {
  await engine.docker.getExec(execId).resize({ w: cols, h: rows });
}

export async function inspectExec(engine: DockerEngine, execId: string): Promise<{ running: boolean; code: number | null; pid: number } | null> {
  try {
    const i = await engine.docker.getExec(execId).inspect();
    return { running: i.Running, code: i.ExitCode ?? null, pid: i.Pid };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

/**
 * Ends every process of a session: inside the container first (scoped to its PID namespace, so a
 * reused PID on the host can never be hit); when that is impossible (an image without sh, tr or
 * grep) the exec's own process is signalled from the host, after checking that it still carries
 * the session's marker.
 */
export async function killSession(engine: DockerEngine, containerId: string, execId: string, sessionId: string): Promise<void> {
  const mark = `${SESSION_ENV}=${sessionId}`;
  try {
    const r = await execCapture(engine, containerId, ["/bin/sh", "-c", KILL_SESSION], { env: [`MARK=${mark}`], timeoutMs: 10_000 });
    if (r.code === 0) return;
    console.warn(`[agent] session ${sessionId}: in-container kill ended with ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    // 404/409: the container is gone or stopped, and its processes with it.
    if (status === 404 || status === 409) return;
    console.warn(`[agent] session ${sessionId}: in-container kill failed (${(err as Error).message}); trying from the host`);
  }
  const info = await inspectExec(engine, execId);
  if (!info?.running || info.pid <= 0) return;
  let environ: string;
  try {
    environ = fs.readFileSync(`/proc/${info.pid}/environ`, "latin1");
  } catch (err) {
    console.warn(`[agent] session ${sessionId}: exec process ${info.pid} cannot be inspected from here: ${(err as Error).message}`);
    return;
  }
  if (!environ.split("\0").includes(mark)) return;
  process.kill(info.pid, "SIGKILL");
}

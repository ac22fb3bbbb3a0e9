import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { promisify } from "node:util";
import { AGENT_VERSION, RUNS_FROM_BUNDLE } from "./config";
import { ACK_EXPOSED } from "../lib/protocol/ack";

const run = promisify(execFile);

/** The runner (install.sh's berth-agent-run, or systemd through it) starts the agent again on this exit code. */
export const EXIT_UPGRADED = 75;

export class UpgradeError extends Error {
  readonly [ACK_EXPOSED] = true as const;
  constructor(
    readonly code: "UNSUPPORTED" | "CHECKSUM" | "BROKEN_BUNDLE" | "DOWNLOAD",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Replaces this agent's own bundle with the console's: download, check the SHA-256 the console
 * announced, make sure the new file starts and says the announced version, then swap it in and
 * keep the old one as `.prev` (the runner puts it back if the new one dies soon after). The
 * caller exits with EXIT_UPGRADED once it has answered; containers are not touched.
 */
export async function replaceOwnBundle(consoleUrl: string, want: { version: string; sha256: string }): Promise<{ from: string; to: string }> {
  const self = process.argv[1] ?? "";
  if (!RUNS_FROM_BUNDLE || !self.endsWith(".cjs")) {
    throw new UpgradeError("UNSUPPORTED", `this agent (${AGENT_VERSION}) runs from a source checkout; update the checkout instead`);
  }
  const res = await fetch(new URL("/api/v1/agent/download", consoleUrl), { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new UpgradeError("DOWNLOAD", `download of the agent from the console failed: HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const got = createHash("sha256").update(bytes).digest("hex");
  if (got !== want.sha256) throw new UpgradeError("CHECKSUM", `checksum mismatch: expected ${want.sha256}, downloaded ${got}; nothing replaced`);
  const next = `${self}.new`;
  fs.writeFileSync(next, bytes, { mode: 0o755 });
  try {
    const { stdout } = await run(process.execPath, [next, "--version"], { timeout: 20_000 });
    if (stdout.trim() !== want.version) throw new Error(`it says ${JSON.stringify(stdout.trim())}, not ${want.version}`);
  } catch (err) {
    fs.rmSync(next, { force: true });
    throw new UpgradeError("BROKEN_BUNDLE", `the new agent does not start: ${(err as Error).message}; nothing replaced`);
  }
  fs.copyFileSync(self, `${self}.prev`);
  fs.renameSync(next, self);
  return { from: AGENT_VERSION, to: want.version };
}

import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { PACKAGE_VERSION } from "../lib/version";

/** Compiled in by scripts/build-agent.mjs (`<package version>+<commit>`); absent when run from source by tsx. */
declare const BERTH_AGENT_BUILD: string | undefined;
export const AGENT_VERSION = typeof BERTH_AGENT_BUILD === "string" ? BERTH_AGENT_BUILD : `${PACKAGE_VERSION}+source`;
/** True when this process is the one-file bundle (it can replace its own file to upgrade). */
export const RUNS_FROM_BUNDLE = typeof BERTH_AGENT_BUILD === "string";

const ZAgentSettings = z.object({
  BERTH_CONSOLE_URL: z.string().url().default("http://localhost:3000"),
  BERTH_ENROLL_TOKEN: z.string().optional(),
  /** Single-machine mode: the console writes a one-use token here for its local agent. */
  BERTH_ENROLL_TOKEN_FILE: z.string().optional(),
  BERTH_AGENT_STATE_DIR: z.string().default("/var/lib/berth-agent"),
  DOCKER_HOST: z.string().optional(),
  BERTH_HOST_NAME: z.string().default(os.hostname()),
  BERTH_ZONE: z.string().default("default"),
  BERTH_VOLUME_ROOT: z.string().default("/var/lib/berth/volumes"),
  BERTH_HEARTBEAT_SECONDS: z.coerce.number().min(0.2).max(300).default(5),
  /** How often writable layers and volumes are measured (Docker's size query is expensive). */
  BERTH_DISK_SCAN_SECONDS: z.coerce.number().min(1).max(86_400).default(300),
  // Docker tags cannot hold the "+commit" of the agent's version.
  BERTH_INFRA_IMAGE: z.string().default(`berth/infra:${PACKAGE_VERSION}`),
  /** A Docker call slower than this (a hung engine) makes the host NotReady. */
  BERTH_ENGINE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(300).default(10),
  /** Where this host's published ports are reached; detected from its interfaces when unset. */
  BERTH_HOST_ADDRESS: z.string().regex(/^[A-Za-z0-9.:-]{1,253}$/).optional(),
  /** Container logs (json-file) rotate at this size … */
  BERTH_LOG_MAX_SIZE: z.string().regex(/^\d+[kmg]$/, "a size like 10m").default("10m"),
  /** … keeping this many files: a container's logs never take more than size × files. */
  BERTH_LOG_MAX_FILES: z.coerce.number().int().min(1).max(100).default(3),
  /** Processes a set may run, per core of its size (at least 256): a fork bomb stays inside its set. */
  BERTH_PIDS_PER_CORE: z.coerce.number().int().min(64).max(1_000_000).default(1024),
  /** Set volumes' loop devices use direct I/O (0 turns it off). */
  BERTH_VOLUME_DIRECT_IO: z.enum(["0", "1"]).default("1"),
  /** A set volume may hold this percent of the set's memory as dirty or in-writeback pages (0: the kernel's limits). */
  BERTH_VOLUME_DIRTY_PERCENT: z.coerce.number().min(0).max(100).default(25),
});
export type TAgentSettings = z.infer<typeof ZAgentSettings>;

export function agentSettings(env: Record<string, string | undefined> = process.env): TAgentSettings {
  const parsed = ZAgentSettings.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid agent settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return { ...parsed.data, BERTH_AGENT_STATE_DIR: path.resolve(parsed.data.BERTH_AGENT_STATE_DIR) };
}

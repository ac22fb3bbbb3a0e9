import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";

/** What scripts/build-agent.mjs wrote next to the bundle. */
const ZBundleInfo = z.object({ version: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int() });
export type TAgentBundle = z.infer<typeof ZBundleInfo> & { file: string };

function bundleDir(): string {
  return path.resolve(process.cwd(), "agent", "dist");
}

let cached: { mtimeMs: number; bundle: TAgentBundle } | undefined;

/** The agent bundle this console serves, or null when `npm run build:agent` has not run. */
export function agentBundle(): TAgentBundle | null {
  const infoFile = path.join(bundleDir(), "berth-agent.json");
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(infoFile).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  if (cached?.mtimeMs !== mtimeMs) {
    const info = ZBundleInfo.parse(JSON.parse(fs.readFileSync(infoFile, "utf8")));
    cached = { mtimeMs, bundle: { ...info, file: path.join(bundleDir(), "berth-agent.cjs") } };
  }
  return cached.bundle;
}

export function requireAgentBundle(): TAgentBundle {
  const bundle = agentBundle();
  if (!bundle) throw new AppError("UNAVAILABLE", "The agent bundle is not built on this console: run `npm run build:agent` (npm start does it)");
  return bundle;
}

import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ZEnrollResponse, type TEnrollRequest } from "../../lib/protocol/events";
import type { TAgentSettings } from "../config";

const ZIdentity = z.object({ hostId: z.string(), credential: z.string(), consoleUrl: z.string() });
export type TIdentity = z.infer<typeof ZIdentity>;

function stateFile(s: TAgentSettings): string {
  return path.join(s.BERTH_AGENT_STATE_DIR, "identity.json");
}

export function loadIdentity(s: TAgentSettings): TIdentity | null {
  const file = stateFile(s);
  if (!fs.existsSync(file)) return null;
  return ZIdentity.parse(JSON.parse(fs.readFileSync(file, "utf8")));
}

function saveIdentity(s: TAgentSettings, id: TIdentity): void {
  fs.mkdirSync(s.BERTH_AGENT_STATE_DIR, { recursive: true, mode: 0o700 });
  const file = stateFile(s);
  // Write then rename: a kill mid-write must not leave a half credential behind.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(id), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

function enrollToken(s: TAgentSettings): string | null {
  if (s.BERTH_ENROLL_TOKEN) return s.BERTH_ENROLL_TOKEN;
  if (s.BERTH_ENROLL_TOKEN_FILE && fs.existsSync(s.BERTH_ENROLL_TOKEN_FILE)) {
    return fs.readFileSync(s.BERTH_ENROLL_TOKEN_FILE, "utf8").trim() || null;
  }
  return null;
}

export class EnrollmentRefused extends Error {}

/** Exchanges the one-use enrollment token for this host's credential (first start only). */
export async function enroll(s: TAgentSettings, labels: Record<string, string>): Promise<TIdentity> {
  const token = enrollToken(s);
  if (!token) throw new EnrollmentRefused("No identity yet and no BERTH_ENROLL_TOKEN (or token file) to enroll with");
  const body: TEnrollRequest = { token, name: s.BERTH_HOST_NAME, zone: s.BERTH_ZONE, labels };
  const res = await fetch(new URL("/api/v1/hosts/enroll", s.BERTH_CONSOLE_URL), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (json as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
    if (res.status >= 400 && res.status < 500) throw new EnrollmentRefused(`Enrollment refused: ${message}`);
    throw new Error(`Enrollment failed: ${message}`);
  }
  const parsed = ZEnrollResponse.parse(json);
  const identity = { ...parsed, consoleUrl: s.BERTH_CONSOLE_URL };
  saveIdentity(s, identity);
  return identity;
}

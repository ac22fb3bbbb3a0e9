import { publicUrl } from "../env";

/** Extra origins (comma-separated) for consoles reached under more than one name. */
function allowedOrigins(): Set<string> {
  const extra = (process.env.BERTH_ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => new URL(o).origin);
  return new Set([publicUrl().origin, ...extra]);
}

export function isAllowedOrigin(origin: string | null | undefined): boolean {
  if (!origin) return false;
  try {
    return allowedOrigins().has(new URL(origin).origin);
  } catch {
    return false; // not a URL at all ("null" from sandboxed frames, garbage)
  }
}

import { publicUrl, settings } from "../env";

/** Extra origins (comma-separated) for consoles reached under more than one name. */
function allowedOrigins(): Set<string> {
  return new Set([publicUrl().origin, ...settings().BERTH_ALLOWED_ORIGINS]);
}

export function isAllowedOrigin(origin: string | null | undefined): boolean {
  if (!origin) return false;
  try {
    return allowedOrigins().has(new URL(origin).origin);
  } catch {
    return false; // not a URL at all ("null" from sandboxed frames, garbage)
  }
}

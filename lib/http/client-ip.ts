import { publicUrl } from "../env";

/**
 * The client's address behind `trustedHops` proxies. Each proxy appends the address it saw to
 * `X-Forwarded-For`, so only the rightmost `trustedHops` entries were written by proxies we
 * trust; anything left of them came from the client and is ignored. With no trusted proxies
 * (or no header) the socket's peer is the client.
 */
export function clientAddress(forwardedFor: string | string[] | undefined, socketAddress: string | undefined, trustedHops: number): string {
  return normalizeAddress(trustedForwardedEntry(forwardedFor, trustedHops) ?? socketAddress ?? "");
}

/**
 * The entry of a proxy-appended header (`X-Forwarded-For`, `X-Forwarded-Proto`) written by the
 * outermost trusted proxy, counted from the right; undefined with no trusted proxies or no entry.
 */
function trustedForwardedEntry(header: string | string[] | undefined, trustedHops: number): string | undefined {
  if (trustedHops === 0) return undefined;
  const entries = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  return entries.length > 0 ? entries[Math.max(0, entries.length - trustedHops)] : undefined;
}

/**
 * Whether the browser reached the console over HTTPS: the public URL says so, or a trusted proxy
 * in front (which terminates TLS) does in `X-Forwarded-Proto`, read like `X-Forwarded-For`.
 */
export function servedOverHttps(req: { headers: Record<string, string | string[] | undefined> }, trustedHops: number): boolean {
  if (publicUrl().protocol === "https:") return true;
  return trustedForwardedEntry(req.headers["x-forwarded-proto"], trustedHops)?.toLowerCase() === "https";
}

/** `::ffff:10.0.0.1` is 10.0.0.1, so one client is one key whichever way the stack wrote it. */
function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1] : address).slice(0, 64);
}

import { ENDPOINTS } from "../protocol/openapi";

/**
 * The API's route table, from the published surface (a unit test keeps it equal to the route
 * files). An /api path that matches none answers the JSON error body with 404, and a known path
 * asked with a method it lacks answers 405 with `Allow` — not Next's HTML page or empty body.
 */
const ROUTES = (() => {
  const byPath = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const e of ENDPOINTS) {
    const entry = byPath.get(e.path) ?? { pattern: new RegExp(`^${e.path.replace(/\{\w+\}/g, "[^/]+")}$`), methods: new Set<string>() };
    entry.methods.add(e.method.toUpperCase());
    byPath.set(e.path, entry);
  }
  return [...byPath.values()];
})();

/** Paths served by a catch-all Next route (next-auth's), not listed one by one. */
const DELEGATED = ["/api/auth/"];

export type TApiRouteCheck = { ok: true } | { ok: false; status: 404 } | { ok: false; status: 405; allow: string[] };

export function checkApiRoute(method: string, pathname: string): TApiRouteCheck {
  if (!pathname.startsWith("/api/") || DELEGATED.some((p) => pathname.startsWith(p))) return { ok: true };
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  // /hosts/upgrade matches both itself and /hosts/{id}: every matching route counts.
  const methods = new Set(ROUTES.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]));
  if (methods.size === 0) return { ok: false, status: 404 };
  const verb = method.toUpperCase();
  // HEAD rides on GET; OPTIONS is answered by Next for every route.
  if (methods.has(verb) || verb === "OPTIONS" || (verb === "HEAD" && methods.has("GET"))) return { ok: true };
  return { ok: false, status: 405, allow: [...methods].sort() };
}

import { requireAdmin } from "@/lib/auth/authorize";
import { route } from "@/lib/http/route";
import { consoleProm } from "@/lib/metrics/prom";

// Prometheus scrapes with an admin API token (bearer_token in its scrape config).
export const GET = route({}, async ({ principal }) => {
  requireAdmin(principal);
  const { registry } = consoleProm();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
});

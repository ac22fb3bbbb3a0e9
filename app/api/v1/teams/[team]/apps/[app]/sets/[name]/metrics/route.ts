import { setIdByName } from "@/lib/apps/view";
import { route } from "@/lib/http/route";
import { setMetricsHistory } from "@/lib/metrics/history";
import { ZMetricsQuery } from "@/lib/protocol/metrics";

export const GET = route({ query: ZMetricsQuery }, async ({ principal, params, query }) =>
  setMetricsHistory(principal, await setIdByName(principal, params.team, params.app, params.name), query.range),
);

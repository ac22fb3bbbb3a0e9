import { route } from "@/lib/http/route";
import { setMetricsHistory } from "@/lib/metrics/history";
import { ZMetricsQuery } from "@/lib/protocol/metrics";

export const GET = route({ query: ZMetricsQuery }, ({ principal, params, query }) => setMetricsHistory(principal, params.id, query.range));

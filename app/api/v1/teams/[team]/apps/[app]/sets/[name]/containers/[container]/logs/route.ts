import { setIdByName } from "@/lib/apps/view";
import { route } from "@/lib/http/route";
import { containerLogs } from "@/lib/logs/stream";
import { ZLogsQuery } from "@/lib/protocol/streams";

// A followed log is a long-lived response; nothing here may be cached or prerendered.
export const dynamic = "force-dynamic";

export const GET = route({ query: ZLogsQuery }, async ({ principal, params, query, req }) =>
  containerLogs(principal, await setIdByName(principal, params.team, params.app, params.name), params.container, query, req.signal),
);

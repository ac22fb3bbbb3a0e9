import { setIdByName } from "@/lib/apps/view";
import { route } from "@/lib/http/route";
import { setLogs } from "@/lib/logs/stream";
import { ZLogsQuery } from "@/lib/protocol/streams";

// A followed log is a long-lived response; nothing here may be cached or prerendered.
export const dynamic = "force-dynamic";

export const GET = route({ query: ZLogsQuery }, async ({ principal, params, query, req }) =>
  setLogs(principal, await setIdByName(principal, params.team, params.app, params.name), query, req.signal),
);

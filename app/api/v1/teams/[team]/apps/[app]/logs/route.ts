import { route } from "@/lib/http/route";
import { appLogs } from "@/lib/logs/stream";
import { ZLogsQuery } from "@/lib/protocol/streams";

// A followed log is a long-lived response; nothing here may be cached or prerendered.
export const dynamic = "force-dynamic";

export const GET = route({ query: ZLogsQuery }, ({ principal, params, query, req }) => appLogs(principal, params.team, params.app, query, req.signal));

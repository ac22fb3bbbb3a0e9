import { route } from "@/lib/http/route";
import { setLogs } from "@/lib/logs/stream";
import { ZLogsQuery } from "@/lib/protocol/streams";

// A followed log is a long-lived response; nothing here may be cached or prerendered.
export const dynamic = "force-dynamic";

export const GET = route({ query: ZLogsQuery }, ({ principal, params, query, req }) => setLogs(principal, params.id, query, req.signal));

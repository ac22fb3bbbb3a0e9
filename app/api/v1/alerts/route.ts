import { route } from "@/lib/http/route";
import { listAllAlerts } from "@/lib/alerts/list";
import { ZAlertQuery } from "@/lib/protocol/alerts";

export const GET = route({ query: ZAlertQuery }, ({ principal, query }) => listAllAlerts(principal, query));

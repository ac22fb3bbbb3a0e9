import { route } from "@/lib/http/route";
import { listTeamAlerts } from "@/lib/alerts/list";
import { ZAlertQuery } from "@/lib/protocol/alerts";

export const GET = route({ query: ZAlertQuery }, ({ principal, params, query }) => listTeamAlerts(principal, params.team, query));

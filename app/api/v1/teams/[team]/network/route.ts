import { route } from "@/lib/http/route";
import { getTeamNetwork } from "@/lib/network/view";

export const GET = route({}, ({ principal, params }) => getTeamNetwork(principal, params.team));

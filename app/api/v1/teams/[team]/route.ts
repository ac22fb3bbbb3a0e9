import { route } from "@/lib/http/route";
import { getTeam } from "@/lib/teams/teams";

export const GET = route({}, ({ principal, params }) => getTeam(principal, params.team));

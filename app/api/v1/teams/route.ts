import { json, route } from "@/lib/http/route";
import { ZTeamCreate } from "@/lib/protocol/api";
import { createTeam, listTeams } from "@/lib/teams/teams";

export const GET = route({}, ({ principal }) => listTeams(principal));
export const POST = route({ body: ZTeamCreate }, async ({ principal, body }) => json(await createTeam(principal, body), 201));

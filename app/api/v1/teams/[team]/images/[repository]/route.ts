import { route } from "@/lib/http/route";
import { getTeamRepository } from "@/lib/registry/images";

// A repository below the team's namespace: `web`, or `web%2Fapi` for a nested name.
export const GET = route({}, ({ principal, params }) => getTeamRepository(principal, params.team, params.repository.split("/")));

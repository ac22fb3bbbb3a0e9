import { getSetByName } from "@/lib/apps/view";
import { route } from "@/lib/http/route";

export const GET = route({}, ({ principal, params }) => getSetByName(principal, params.team, params.app, params.name));

import { route } from "@/lib/http/route";
import { getQuota } from "@/lib/teams/quota";

export const GET = route({}, ({ principal, params }) => getQuota(principal, params.team));

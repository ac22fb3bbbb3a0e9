import { rollbackCanary } from "@/lib/apps/canary";
import { route } from "@/lib/http/route";

export const POST = route({}, ({ principal, params }) => rollbackCanary(principal, params.team, params.app));

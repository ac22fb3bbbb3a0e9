import { promoteCanary } from "@/lib/apps/canary";
import { route } from "@/lib/http/route";

export const POST = route({}, ({ principal, params }) => promoteCanary(principal, params.team, params.app));

import { startCanary } from "@/lib/apps/canary";
import { route } from "@/lib/http/route";
import { ZCanaryStart } from "@/lib/protocol/apps";

export const POST = route({ body: ZCanaryStart }, ({ principal, params, body }) => startCanary(principal, params.team, params.app, body));

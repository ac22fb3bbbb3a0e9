import { upgradeHostAgent } from "@/lib/hosts/upgrade";
import { route } from "@/lib/http/route";

export const POST = route({}, ({ principal, params }) => upgradeHostAgent(principal, params.id));

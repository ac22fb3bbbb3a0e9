import { getSet } from "@/lib/apps/view";
import { route } from "@/lib/http/route";

export const GET = route({}, ({ principal, params }) => getSet(principal, params.id));

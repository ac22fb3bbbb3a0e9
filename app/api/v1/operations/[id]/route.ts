import { getOperation } from "@/lib/hosts/drain";
import { route } from "@/lib/http/route";

export const GET = route({}, ({ principal, params }) => getOperation(principal, params.id));

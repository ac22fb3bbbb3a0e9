import { route } from "@/lib/http/route";
import { setAction } from "@/lib/sets/actions";

export const POST = route({}, ({ principal, params }) => setAction(principal, params.id, "start"));

import { setIdByName } from "@/lib/apps/view";
import { route } from "@/lib/http/route";
import { setAction } from "@/lib/sets/actions";

export const POST = route({}, async ({ principal, params }) => setAction(principal, await setIdByName(principal, params.team, params.app, params.name), "start"));

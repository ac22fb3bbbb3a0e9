import { createApp } from "@/lib/apps/create";
import { listApps } from "@/lib/apps/view";
import { json, route } from "@/lib/http/route";
import { ZAppCreate } from "@/lib/protocol/apps";

export const GET = route({}, ({ principal, params }) => listApps(principal, params.team));
export const POST = route({ body: ZAppCreate }, async ({ principal, params, body }) => json(await createApp(principal, params.team, body), 201));

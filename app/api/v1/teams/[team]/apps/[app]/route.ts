import { deleteApp } from "@/lib/apps/delete";
import { patchApp } from "@/lib/apps/patch";
import { getApp } from "@/lib/apps/view";
import { route } from "@/lib/http/route";
import { ZAppPatch } from "@/lib/protocol/apps";

export const GET = route({}, ({ principal, params }) => getApp(principal, params.team, params.app));
export const DELETE = route({}, ({ principal, params }) => deleteApp(principal, params.team, params.app));
export const PATCH = route({ body: ZAppPatch }, ({ principal, params, body }) => patchApp(principal, params.team, params.app, body));

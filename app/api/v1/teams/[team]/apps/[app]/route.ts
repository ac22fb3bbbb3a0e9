import { deleteApp } from "@/lib/apps/delete";
import { getApp } from "@/lib/apps/view";
import { route } from "@/lib/http/route";

export const GET = route({}, ({ principal, params }) => getApp(principal, params.team, params.app));
export const DELETE = route({}, ({ principal, params }) => deleteApp(principal, params.team, params.app));

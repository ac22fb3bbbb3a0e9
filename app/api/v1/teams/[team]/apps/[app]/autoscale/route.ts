import { deleteAutoscale, getAutoscale, putAutoscale } from "@/lib/autoscale/policy";
import { route } from "@/lib/http/route";
import { ZAutoscalePut } from "@/lib/protocol/autoscale";

export const GET = route({}, ({ principal, params }) => getAutoscale(principal, params.team, params.app));
export const PUT = route({ body: ZAutoscalePut }, ({ principal, params, body }) => putAutoscale(principal, params.team, params.app, body));
export const DELETE = route({}, ({ principal, params }) => deleteAutoscale(principal, params.team, params.app));

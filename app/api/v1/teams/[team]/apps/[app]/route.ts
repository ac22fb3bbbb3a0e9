import { deleteApp } from "@/lib/apps/delete";
import { getApp } from "@/lib/apps/view";
import { scaleApp } from "@/lib/apps/scale";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { ZAppPatch } from "@/lib/protocol/apps";

export const GET = route({}, ({ principal, params }) => getApp(principal, params.team, params.app));
export const DELETE = route({}, ({ principal, params }) => deleteApp(principal, params.team, params.app));
export const PATCH = route({ body: ZAppPatch }, ({ principal, params, body }) => {
  if (body.replicas === undefined) throw new AppError("VALIDATION", "Nothing to change: give replicas");
  return scaleApp(principal, params.team, params.app, body.replicas);
});

import { deleteApp } from "@/lib/apps/delete";
import { getApp } from "@/lib/apps/view";
import { resizeApp } from "@/lib/apps/resize";
import { scaleApp } from "@/lib/apps/scale";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { ZAppPatch } from "@/lib/protocol/apps";

export const GET = route({}, ({ principal, params }) => getApp(principal, params.team, params.app));
export const DELETE = route({}, ({ principal, params }) => deleteApp(principal, params.team, params.app));
export const PATCH = route({ body: ZAppPatch }, async ({ principal, params, body }) => {
  if (body.replicas === undefined && body.size === undefined && body.containers === undefined) {
    throw new AppError("VALIDATION", "Nothing to change: give replicas, size or containers");
  }
  if (body.size || body.containers) await resizeApp(principal, params.team, params.app, { size: body.size, containers: body.containers });
  if (body.replicas !== undefined) return scaleApp(principal, params.team, params.app, body.replicas);
  return getApp(principal, params.team, params.app);
});

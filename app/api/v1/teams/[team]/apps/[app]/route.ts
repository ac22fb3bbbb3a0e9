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
  if (body.replicas === undefined && body.size === undefined) throw new AppError("VALIDATION", "Nothing to change: give replicas or size");
  if (body.size) await resizeApp(principal, params.team, params.app, body.size);
  if (body.replicas !== undefined) return scaleApp(principal, params.team, params.app, body.replicas);
  return getApp(principal, params.team, params.app);
});

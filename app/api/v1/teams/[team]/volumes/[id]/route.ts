import { route } from "@/lib/http/route";
import { purgeVolume } from "@/lib/volumes/recycle";

/** Purges a volume from the recycle bin now (its data is gone for good). */
export const DELETE = route({}, async ({ principal, params }) => {
  await purgeVolume(principal, params.team, params.id);
  return { ok: true };
});

import { route } from "@/lib/http/route";
import { ZVolumeRestoreBody } from "@/lib/protocol/apps";
import { restoreVolume } from "@/lib/volumes/recycle";

export const POST = route({ body: ZVolumeRestoreBody }, ({ principal, params, body }) => restoreVolume(principal, params.team, params.id, body.setId));

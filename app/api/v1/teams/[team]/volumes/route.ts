import { route } from "@/lib/http/route";
import { ZVolumeQuery } from "@/lib/protocol/apps";
import { listVolumes } from "@/lib/volumes/recycle";

export const GET = route({ query: ZVolumeQuery }, ({ principal, params, query }) => listVolumes(principal, params.team, query.trashed === "1"));

import { route } from "@/lib/http/route";
import { ZTeamImagesQuery } from "@/lib/protocol/images";
import { listTeamImages } from "@/lib/registry/images";

export const GET = route({ query: ZTeamImagesQuery }, ({ principal, params, query }) => listTeamImages(principal, params.team, { library: query.include === "library" }));

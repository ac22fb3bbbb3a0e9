import { route } from "@/lib/http/route";
import { listTeamImages } from "@/lib/registry/images";

export const GET = route({}, ({ principal, params }) => listTeamImages(principal, params.team));

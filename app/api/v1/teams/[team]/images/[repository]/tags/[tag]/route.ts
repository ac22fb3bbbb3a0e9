import { route } from "@/lib/http/route";
import { deleteTeamImageTag } from "@/lib/registry/images";

export const DELETE = route({}, ({ principal, params }) => deleteTeamImageTag(principal, params.team, params.repository.split("/"), params.tag));

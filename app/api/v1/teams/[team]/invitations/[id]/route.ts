import { route } from "@/lib/http/route";
import { revokeInvite } from "@/lib/users/account-links";

export const DELETE = route({}, ({ principal, params }) => revokeInvite(principal, params.team, params.id));

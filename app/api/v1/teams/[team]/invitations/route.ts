import { json, route } from "@/lib/http/route";
import { ZInviteCreate } from "@/lib/protocol/api";
import { createInvite, listInvites } from "@/lib/users/account-links";

export const GET = route({}, ({ principal, params }) => listInvites(principal, params.team));
export const POST = route({ body: ZInviteCreate }, async ({ principal, params, body }) => json(await createInvite(principal, params.team, body), 201));

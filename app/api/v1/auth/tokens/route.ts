import { createTokenForPrincipal, listTokens } from "@/lib/auth/api-tokens";
import { json, route } from "@/lib/http/route";
import { ZTokenCreate } from "@/lib/protocol/api";

export const GET = route({}, ({ principal }) => listTokens(principal));
export const POST = route({ body: ZTokenCreate }, async ({ principal, body }) => json(await createTokenForPrincipal(principal, body), 201));

import { json, route } from "@/lib/http/route";
import { forcePasswordReset } from "@/lib/users/passwords";

export const POST = route({}, async ({ principal, params }) => json(await forcePasswordReset(principal, params.id), 201));

import { json, route } from "@/lib/http/route";
import { ZUserCreate } from "@/lib/protocol/api";
import { createUser, listUsers } from "@/lib/users/users";

export const GET = route({}, ({ principal }) => listUsers(principal));
export const POST = route({ body: ZUserCreate }, async ({ principal, body }) => json(await createUser(principal, body), 201));

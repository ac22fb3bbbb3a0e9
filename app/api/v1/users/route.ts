import { route } from "@/lib/http/route";
import { listUsers } from "@/lib/users/users";

export const GET = route({}, ({ principal }) => listUsers(principal));

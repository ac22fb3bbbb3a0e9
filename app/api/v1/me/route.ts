import { route } from "@/lib/http/route";
import { me } from "@/lib/users/users";

export const GET = route({}, ({ principal }) => me(principal));

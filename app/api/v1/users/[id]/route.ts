import { route } from "@/lib/http/route";
import { ZUserUpdate } from "@/lib/protocol/api";
import { updateUser } from "@/lib/users/users";

export const PATCH = route({ body: ZUserUpdate }, ({ principal, params, body }) => updateUser(principal, params.id, body));

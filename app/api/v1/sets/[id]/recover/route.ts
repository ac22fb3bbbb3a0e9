import { route } from "@/lib/http/route";
import { ZSetRecoverBody } from "@/lib/protocol/apps";
import { recoverSet } from "@/lib/sets/recover";

/** Admin: place a set again elsewhere although its volume's data stays on its lost host. */
export const POST = route({ body: ZSetRecoverBody }, ({ principal, params }) => recoverSet(principal, params.id));

import { listHosts } from "@/lib/hosts/list";
import { route } from "@/lib/http/route";

export const GET = route({}, ({ principal }) => listHosts(principal));

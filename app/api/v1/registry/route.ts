import { route } from "@/lib/http/route";
import { registryView } from "@/lib/registry/images";

export const GET = route({}, ({ principal }) => registryView(principal));

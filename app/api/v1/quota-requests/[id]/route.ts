import { route } from "@/lib/http/route";
import { getQuotaRequest } from "@/lib/quota/requests";

export const GET = route({}, ({ principal, params }) => getQuotaRequest(principal, params.id));

import { route } from "@/lib/http/route";
import { ZQuotaDecision } from "@/lib/protocol/api";
import { decideQuotaRequest } from "@/lib/quota/requests";

export const POST = route({ body: ZQuotaDecision }, ({ principal, params, body }) => decideQuotaRequest(principal, params.id, true, body.note));

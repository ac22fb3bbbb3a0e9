import { route } from "@/lib/http/route";
import { ZQuotaRequestQuery } from "@/lib/protocol/api";
import { listQuotaRequests } from "@/lib/quota/requests";

export const GET = route({ query: ZQuotaRequestQuery }, ({ principal, query }) => listQuotaRequests(principal, query.status));

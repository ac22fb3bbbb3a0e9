import { json, route } from "@/lib/http/route";
import { ZQuotaRequestCreate } from "@/lib/protocol/api";
import { createQuotaRequest } from "@/lib/quota/requests";

export const POST = route({ body: ZQuotaRequestCreate }, async ({ principal, params, body }) =>
  json(await createQuotaRequest(principal, params.team, body), 201),
);

import { json, route } from "@/lib/http/route";
import { createWebhook, listWebhooks } from "@/lib/alerts/webhooks/manage";
import { ZWebhookCreate } from "@/lib/protocol/alerts";

export const GET = route({}, ({ principal, params }) => listWebhooks(principal, params.team));
export const POST = route({ body: ZWebhookCreate }, async ({ principal, params, body }) => json(await createWebhook(principal, params.team, body), 201));

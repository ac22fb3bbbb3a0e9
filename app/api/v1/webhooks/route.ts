import { json, route } from "@/lib/http/route";
import { createWebhook, listWebhooks } from "@/lib/alerts/webhooks/manage";
import { ZWebhookCreate } from "@/lib/protocol/alerts";

export const GET = route({}, ({ principal }) => listWebhooks(principal, null));
export const POST = route({ body: ZWebhookCreate }, async ({ principal, body }) => json(await createWebhook(principal, null, body), 201));

import { json, route } from "@/lib/http/route";
import { sendTestDelivery } from "@/lib/alerts/webhooks/manage";

export const POST = route({}, async ({ principal, params }) => json(await sendTestDelivery(principal, null, params.id), 202));

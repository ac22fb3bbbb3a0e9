import { json, route } from "@/lib/http/route";
import { sendTestDelivery } from "@/lib/alerts/webhooks/manage";

export const POST = route({}, async ({ principal, params }) => json(await sendTestDelivery(principal, params.team, params.id), 202));

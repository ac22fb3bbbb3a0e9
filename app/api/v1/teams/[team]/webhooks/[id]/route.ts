import { route } from "@/lib/http/route";
import { deleteWebhook } from "@/lib/alerts/webhooks/manage";

export const DELETE = route({}, ({ principal, params }) => deleteWebhook(principal, params.team, params.id));

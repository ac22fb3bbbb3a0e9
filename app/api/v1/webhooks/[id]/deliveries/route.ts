import { route } from "@/lib/http/route";
import { listDeliveries } from "@/lib/alerts/webhooks/manage";

export const GET = route({}, ({ principal, params }) => listDeliveries(principal, null, params.id));

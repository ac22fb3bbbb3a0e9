import { startDrain } from "@/lib/hosts/drain";
import { json, route } from "@/lib/http/route";

/** Starts the drain and answers at once; follow it at /api/v1/operations/{operationId}. */
export const POST = route({}, async ({ principal, params }) => json(await startDrain(principal, params.id), 202));

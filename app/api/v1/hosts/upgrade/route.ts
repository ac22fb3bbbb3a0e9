import { startUpgradeAll } from "@/lib/hosts/upgrade";
import { json, route } from "@/lib/http/route";

export const POST = route({}, async ({ principal }) => json(await startUpgradeAll(principal), 202));

import { enrollHost } from "@/lib/hosts/enroll";
import { json, publicRoute } from "@/lib/http/route";
import { ZEnrollRequest } from "@/lib/protocol/events";

/** Authenticated by the one-use enrollment token in the body, not by a user. */
export const POST = publicRoute({ body: ZEnrollRequest }, async ({ body, ip }) => json(await enrollHost(body, ip), 201));

import { createTokenWithPassword } from "@/lib/auth/api-tokens";
import { json, publicRoute } from "@/lib/http/route";
import { ZTokenLogin } from "@/lib/protocol/api";

export const POST = publicRoute({ body: ZTokenLogin }, async ({ body, ip }) => json(await createTokenWithPassword(body, ip), 201));

import { revokeToken } from "@/lib/auth/api-tokens";
import { route } from "@/lib/http/route";

export const DELETE = route({}, async ({ principal, params }) => {
  const { revoked } = await revokeToken(principal, params.id);
  return { ok: true, revoked };
});

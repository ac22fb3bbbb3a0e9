import { revokeHost } from "@/lib/hosts/enroll";
import { route } from "@/lib/http/route";

/** Revokes the host: its credential is refused from now on. */
export const DELETE = route({}, async ({ principal, params }) => {
  await revokeHost(principal, params.id);
  return { ok: true };
});

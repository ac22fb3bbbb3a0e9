import { setHostCordon } from "@/lib/hosts/enroll";
import { route } from "@/lib/http/route";

export const POST = route({}, async ({ principal, params }) => {
  await setHostCordon(principal, params.id, false);
  return { ok: true };
});

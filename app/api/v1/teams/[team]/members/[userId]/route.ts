import { route } from "@/lib/http/route";
import { ZMemberUpdate } from "@/lib/protocol/api";
import { removeMember, updateMember } from "@/lib/teams/members";

export const PATCH = route({ body: ZMemberUpdate }, ({ principal, params, body }) =>
  updateMember(principal, params.team, params.userId, body.role),
);
export const DELETE = route({}, async ({ principal, params }) => {
  await removeMember(principal, params.team, params.userId);
  return { ok: true };
});

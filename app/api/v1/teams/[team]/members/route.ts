import { json, route } from "@/lib/http/route";
import { ZMemberAdd } from "@/lib/protocol/api";
import { addMember, listMembers } from "@/lib/teams/members";

export const GET = route({}, ({ principal, params }) => listMembers(principal, params.team));
export const POST = route({ body: ZMemberAdd }, async ({ principal, params, body }) => {
  const { member } = await addMember(principal, params.team, body);
  return json(member, 201);
});

import { json, route } from "@/lib/http/route";
import { reissueSession } from "@/lib/auth/session-cookie";
import { ZPasswordChange } from "@/lib/protocol/api";
import { changeOwnPassword } from "@/lib/users/passwords";

export const POST = route({ body: ZPasswordChange }, async ({ req, principal, body }) => {
  const { newEpoch, ...result } = await changeOwnPassword(principal, body);
  const res = json(result);
  // The session that asked stays signed in: its cookie is re-signed under the new epoch.
  const cookie = newEpoch === null ? null : await reissueSession(req.headers.get("cookie"), newEpoch);
  if (cookie) res.cookies.set(cookie.name, cookie.value, { httpOnly: true, sameSite: "lax", path: "/", secure: cookie.secure, maxAge: cookie.maxAge });
  return res;
});

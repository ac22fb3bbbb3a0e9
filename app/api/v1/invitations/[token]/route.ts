import { publicRoute } from "@/lib/http/route";
import { ZAccountLinkAccept } from "@/lib/protocol/api";
import { acceptAccountLink, readAccountLink } from "@/lib/users/account-links";

/** The link's secret is the credential: GET says what it is for, POST uses it (once). */
export const GET = publicRoute({}, ({ params }) => readAccountLink(params.token));
export const POST = publicRoute({ body: ZAccountLinkAccept }, ({ params, body, ip }) => acceptAccountLink(params.token, body, ip));

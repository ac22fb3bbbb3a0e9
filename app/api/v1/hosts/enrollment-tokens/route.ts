import { createEnrollmentToken } from "@/lib/hosts/enroll";
import { json, route } from "@/lib/http/route";
import { ZEnrollmentTokenCreate } from "@/lib/protocol/api";

export const POST = route({ body: ZEnrollmentTokenCreate }, async ({ principal, body }) =>
  json(await createEnrollmentToken(principal, body), 201),
);

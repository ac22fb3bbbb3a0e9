import { NextResponse } from "next/server";
import { clientIp, errorResponse, json } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { issueRegistryToken } from "@/lib/registry/auth";

/** Docker's registry token endpoint: `docker login` credentials in, a scoped JWT out. */
export async function GET(req: Request): Promise<NextResponse> {
  try {
    const scopes = new URL(req.url).searchParams.getAll("scope");
    return json(await issueRegistryToken(req.headers.get("authorization"), clientIp(req), scopes));
  } catch (err) {
    const res = errorResponse(err);
    // Docker asks for the password only on 401 with a Basic challenge.
    if (err instanceof AppError && err.code === "UNAUTHENTICATED") res.headers.set("WWW-Authenticate", 'Basic realm="Berth registry"');
    return res;
  }
}

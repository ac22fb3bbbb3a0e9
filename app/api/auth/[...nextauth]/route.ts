import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/next-auth";
import { loadLoginThrottle } from "@/lib/auth/throttle-store";
import { publicUrl, settings } from "@/lib/env";
import { readLimitedText } from "@/lib/http/body-limit";
import { clientIp, errorResponse } from "@/lib/http/route";

type TCtx = { params: Promise<{ nextauth: string[] }> };

function handler(req: NextRequest, ctx: TCtx) {
  return NextAuth(authOptions())(req, ctx);
}

/**
 * next-auth answers every failed credentials login with 401; a throttled client gets a real 429
 * here, before the password is even checked. The form is read with the body cap (next-auth would
 * buffer any size) and handed on as a fresh request.
 */
async function post(req: NextRequest, ctx: TCtx) {
  let text: string;
  try {
    text = await readLimitedText(req.body, settings().BERTH_MAX_BODY_BYTES);
  } catch (err) {
    return errorResponse(err);
  }
  const forwarded = new NextRequest(req.url, { method: "POST", headers: req.headers, body: text });
  const { nextauth } = await ctx.params;
  if (nextauth.join("/") === "callback/credentials") {
    const email = new URLSearchParams(text).get("email") ?? "";
    const ip = clientIp(req);
    const wait = (await loadLoginThrottle(email, ip)).retryAfter(email, ip);
    if (wait > 0) {
      const url = new URL("/login?error=RateLimited", publicUrl()).toString();
      return Response.json(
        { url, error: { code: "RATE_LIMITED", message: `Too many failed attempts; try again in ${wait} s` } },
        { status: 429, headers: { "Retry-After": String(wait) } },
      );
    }
  }
  return handler(forwarded, ctx);
}

export { handler as GET, post as POST };

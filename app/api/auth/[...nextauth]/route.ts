import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/next-auth";
import { loginKeys, loginLimiter } from "@/lib/auth/rate-limit";
import { clientIp } from "@/lib/http/route";

type TCtx = { params: Promise<{ nextauth: string[] }> };

function handler(req: NextRequest, ctx: TCtx) {
  return NextAuth(authOptions())(req, ctx);
}

/**
 * next-auth answers every failed credentials login with 401; a locked-out IP or account gets a
 * real 429 here, before the password is even checked.
 */
async function post(req: NextRequest, ctx: TCtx) {
  const { nextauth } = await ctx.params;
  if (nextauth.join("/") === "callback/credentials") {
    const form = await req.clone().formData().catch(() => null);
    const email = String(form?.get("email") ?? "");
    const wait = loginLimiter().retryAfter(loginKeys(email, clientIp(req)));
    if (wait > 0) {
      const url = new URL("/login?error=RateLimited", process.env.NEXTAUTH_URL ?? req.url).toString();
      return Response.json(
        { url, error: { code: "RATE_LIMITED", message: `Too many failed attempts; try again in ${wait} s` } },
        { status: 429, headers: { "Retry-After": String(wait) } },
      );
    }
  }
  return handler(req, ctx);
}

export { handler as GET, post as POST };

import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authenticate, type TPrincipal } from "../auth/principal";
import { AppError } from "../errors";

/** The signed-in caller, or null; any failure other than "not signed in" is a real error and propagates. */
export const optionalPrincipal = cache(async (): Promise<TPrincipal | null> => {
  const h = await headers();
  try {
    return await authenticate({
      authorization: null,
      cookieHeader: h.get("cookie"),
      origin: null,
      ip: h.get("x-berth-client-ip"),
      // Rendering a page changes nothing, so there is no cross-site write to guard against.
      requireOrigin: false,
    });
  } catch (err) {
    if (err instanceof AppError && err.code === "UNAUTHENTICATED") return null;
    throw err;
  }
});

/** For signed-in pages: sends anyone without a valid session to /login. */
export async function requirePrincipal(): Promise<TPrincipal> {
  const principal = await optionalPrincipal();
  // redirect() throws, so it stays outside the try/catch above.
  if (!principal) redirect("/login");
  return principal;
}

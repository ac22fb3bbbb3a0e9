import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authSecret, settings } from "../env";
import { AppError } from "../errors";
import { verifyLogin } from "./login";

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    // Short-lived JWT, refreshed while the user is active; every request also re-checks the user.
    session: { strategy: "jwt", maxAge: settings().BERTH_SESSION_MAX_AGE, updateAge: 300 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
          const ip = headers["x-berth-client-ip"] ?? null;
          try {
            const user = await verifyLogin(credentials?.email ?? "", credentials?.password ?? "", ip);
            return { id: user.id, email: user.email, name: user.name, epoch: user.sessionEpoch };
          } catch (err) {
            if (err instanceof AppError && err.code === "RATE_LIMITED") throw new Error("RateLimited");
            if (err instanceof AppError) return null;
            throw err;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          // Raised by "sign out everywhere": a session from before it no longer authenticates.
          token.epoch = (user as { epoch?: number }).epoch ?? 0;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string") (session.user as { id?: string }).id = token.uid;
        return session;
      },
    },
  };
}

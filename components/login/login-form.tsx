"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { ErrorBanner } from "../ui/error-banner";
import { SubmitButton } from "../ui/submit-button";
import { Field } from "../ui/field";

const RATE_LIMITED = "Too many failed attempts — wait a few minutes";

/** next-auth error codes (from the redirect's ?error= or signIn's result) in words a user can act on. */
function describe(code: string): string {
  switch (code) {
    case "CredentialsSignin":
      return "Invalid email or password";
    case "RateLimited":
      return RATE_LIMITED;
    case "SessionExpired":
    case "SessionRequired":
      return "Your session ended; sign in again";
    default:
      return `Sign-in failed (${code}); try again, and ask an admin if it keeps happening`;
  }
}

export function LoginForm({ initialError }: { initialError: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError ? describe(initialError) : null);
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    try {
      const res = await signIn("credentials", {
        redirect: false,
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
      });
      if (res?.ok && !res.error) {
        router.replace("/");
        router.refresh();
        return;
      }
      setError(res?.status === 429 || res?.error === "RateLimited" ? RATE_LIMITED : describe(res?.error ?? "CredentialsSignin"));
    } catch (err) {
      setError(`Could not reach the console (${(err as Error).message}); check the connection and try again`);
    } finally {
      setPending(false);
    }
  }

  return (
    <form
      onSubmit={submit}
      className="space-y-4 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900"
    >
      {error && <ErrorBanner title="Could not sign in">{error}</ErrorBanner>}
      <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <SubmitButton pending={pending} pendingLabel="Signing in…" className="w-full">
        Sign in
      </SubmitButton>
    </form>
  );
}

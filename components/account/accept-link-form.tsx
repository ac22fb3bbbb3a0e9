"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ZAccountLinkAccepted, type TAccountLinkInfo } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { ErrorBanner } from "../ui/error-banner";
import { Field } from "../ui/field";
import { SubmitButton } from "../ui/submit-button";

/**
 * Sets the password through a one-use link, then signs in with it. The page reads the same for
 * an email that has an account and one that has none: the hint says what to type in either case.
 */
export function AcceptLinkForm({ token, link }: { token: string; link: TAccountLinkInfo }) {
  const router = useRouter();
  const { run, pending, error } = useApiAction();
  const [mismatch, setMismatch] = useState<string | null>(null);
  const invite = link.kind === "INVITE";

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get("password") ?? "");
    const name = String(f.get("name") ?? "").trim();
    setMismatch(null);
    if (f.has("confirm") && f.get("confirm") !== password) {
      setMismatch("The two passwords differ");
      return;
    }
    const result = await run(() =>
      apiFetch(`/api/v1/invitations/${encodeURIComponent(token)}`, { method: "POST", body: { password, ...(name ? { name } : {}) }, schema: ZAccountLinkAccepted }),
    );
    if (!result.ok) return;
    const signedIn = await signIn("credentials", { redirect: false, email: link.email, password });
    const target = result.value.team ? `/teams/${encodeURIComponent(result.value.team)}` : "/";
    router.replace(signedIn?.ok && !signedIn.error ? target : "/login");
    router.refresh();
  }

  return (
    <form onSubmit={submit} aria-label={invite ? "Accept invitation" : "Set password"} className="space-y-4 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      {(error || mismatch) && <ErrorBanner title={invite ? "Not joined yet" : "Password not set"}>{mismatch ?? error}</ErrorBanner>}
      <Field label="Email" name="email" type="email" value={link.email} readOnly autoComplete="username" />
      <Field
        label="Password"
        name="password"
        type="password"
        required
        autoComplete={invite ? "current-password" : "new-password"}
        hint={
          invite
            ? "New to Berth: choose a password (at least 10 characters). Already have an account with this email: enter its password."
            : "At least 10 characters, 5 of them different"
        }
      />
      {!invite && <Field label="Repeat password" name="confirm" type="password" required autoComplete="new-password" />}
      {invite && <Field label="Name" name="name" maxLength={100} autoComplete="name" hint="Optional; shown to your team" />}
      <SubmitButton pending={pending} pendingLabel={invite ? "Joining…" : "Saving…"} className="w-full">
        {invite ? `Join ${link.team?.name ?? "the team"}` : "Set password"}
      </SubmitButton>
    </form>
  );
}

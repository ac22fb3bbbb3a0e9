"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ZPasswordChanged } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { ErrorBanner } from "../ui/error-banner";
import { Field } from "../ui/field";
import { SubmitButton } from "../ui/submit-button";

export function ChangePasswordForm() {
  const router = useRouter();
  const { run, pending, error } = useApiAction({ refresh: false });
  const [done, setDone] = useState<string | null>(null);
  const [mismatch, setMismatch] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const next = String(f.get("new") ?? "");
    setDone(null);
    setMismatch(null);
    if (f.get("confirm") !== next) {
      setMismatch("The two new passwords differ");
      return;
    }
    const body = { current: String(f.get("current") ?? ""), new: next, signOutEverywhere: f.get("signOutEverywhere") === "on" };
    const result = await run(() => apiFetch("/api/v1/me/password", { method: "POST", body, schema: ZPasswordChanged }));
    if (!result.ok) return;
    form.reset();
    const { signedOutOtherSessions, revokedTokens } = result.value;
    setDone(
      signedOutOtherSessions
        ? `Password changed. Every other session is signed out and ${revokedTokens} API ${revokedTokens === 1 ? "token was" : "tokens were"} revoked; this one stays signed in.`
        : "Password changed. Your other sessions and tokens keep working.",
    );
    // This tab's live connection was closed with the others; a refresh opens it again on the new session.
    if (signedOutOtherSessions) router.refresh();
  }

  return (
    <form onSubmit={submit} aria-label="Change password" className="max-w-md space-y-4">
      {(error || mismatch) && <ErrorBanner title="The password was not changed">{mismatch ?? error}</ErrorBanner>}
      {done && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {done}
        </p>
      )}
      <Field label="Current password" name="current" type="password" required autoComplete="current-password" />
      <Field label="New password" name="new" type="password" required minLength={10} autoComplete="new-password" hint="At least 10 characters, 5 of them different" />
      <Field label="Repeat new password" name="confirm" type="password" required autoComplete="new-password" />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="signOutEverywhere" className="mt-0.5" />
        <span>
          Sign out everywhere else
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">Ends your other browser sessions and revokes all your API tokens now, open connections included</span>
        </span>
      </label>
      <SubmitButton pending={pending} pendingLabel="Changing…">
        Change password
      </SubmitButton>
    </form>
  );
}

"use client";

import { useState, type FormEvent } from "react";
import { ZUserCreated, type TAccountLinkCreated } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { OneUseLink } from "../teams/one-use-link";
import { useApiAction } from "../use-api-action";
import { ErrorBanner } from "../ui/error-banner";
import { Field } from "../ui/field";
import { SubmitButton } from "../ui/submit-button";

/** Admins create accounts; the person sets their own password through the link shown once. */
export function CreateUserForm() {
  const { run, pending, error } = useApiAction();
  const [link, setLink] = useState<TAccountLinkCreated | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const name = String(f.get("name") ?? "").trim();
    const body = { email: String(f.get("email") ?? "").trim(), isAdmin: f.get("isAdmin") === "on", ...(name ? { name } : {}) };
    setLink(null);
    const result = await run(() => apiFetch("/api/v1/users", { method: "POST", body, schema: ZUserCreated }));
    if (result.ok) {
      setLink(result.value.link);
      form.reset();
    }
  }

  return (
    <form onSubmit={submit} aria-label="Create user" className="space-y-4">
      {error && <ErrorBanner title="The user was not created">{error}</ErrorBanner>}
      {link && <OneUseLink link={link} what={`Send this link to ${link.email} to set their password.`} />}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Email" name="email" type="email" required autoComplete="off" />
        <Field label="Name" name="name" maxLength={100} autoComplete="off" hint="Optional" />
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="isAdmin" /> Platform admin
      </label>
      <SubmitButton pending={pending} pendingLabel="Creating…">
        Create user
      </SubmitButton>
    </form>
  );
}

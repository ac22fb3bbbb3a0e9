"use client";

import type { FormEvent } from "react";
import { useState } from "react";
import { ZMember, ZTeamRole } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { ErrorBanner } from "../ui/error-banner";
import { SubmitButton } from "../ui/submit-button";
import { Field, SelectField } from "../ui/field";

export function AddMemberForm({ team }: { team: string }) {
  const { run, pending, error } = useApiAction();
  const [added, setAdded] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const password = String(f.get("password") ?? "");
    const name = String(f.get("name") ?? "").trim();
    const body = {
      email: String(f.get("email") ?? "").trim(),
      role: ZTeamRole.parse(f.get("role")),
      // Omitted rather than empty: an empty password would be a validation error for an existing user.
      ...(password ? { password } : {}),
      ...(name ? { name } : {}),
    };
    setAdded(null);
    const result = await run(() =>
      apiFetch(`/api/v1/teams/${encodeURIComponent(team)}/members`, { method: "POST", body, schema: ZMember }),
    );
    if (result.ok) {
      setAdded(`${result.value.email} is now ${result.value.role} in ${team}.`);
      form.reset();
    }
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Add member">
      {error && <ErrorBanner title="The member was not added">{error}</ErrorBanner>}
      {added && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {added}
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Email" name="email" type="email" required autoComplete="off" />
        <SelectField label="Role" name="role" defaultValue="MEMBER" hint="Owners manage members; members deploy; viewers only read">
          <option value="OWNER">OWNER</option>
          <option value="MEMBER">MEMBER</option>
          <option value="VIEWER">VIEWER</option>
        </SelectField>
        <Field
          label="Password"
          name="password"
          type="password"
          minLength={8}
          autoComplete="new-password"
          hint="Only for someone without an account yet: creates the user (at least 8 characters)"
        />
        <Field label="Name" name="name" maxLength={100} autoComplete="off" hint="Optional, for a new user" />
      </div>
      <SubmitButton pending={pending} pendingLabel="Adding…">
        Add member
      </SubmitButton>
    </form>
  );
}

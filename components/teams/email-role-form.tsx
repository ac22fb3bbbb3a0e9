"use client";

import type { FormEvent, ReactNode } from "react";
import type { z } from "zod";
import { ZTeamRole } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { ErrorBanner } from "../ui/error-banner";
import { Field, SelectField } from "../ui/field";
import { SubmitButton } from "../ui/submit-button";

/** An email and a team role, posted to `path`; adding a member and inviting one share it. */
export function EmailRoleForm<S extends z.ZodType>(props: {
  label: string;
  path: string;
  schema: S;
  submitLabel: string;
  pendingLabel: string;
  errorTitle: string;
  onStart: () => void;
  onDone: (value: z.output<S>) => void;
  children?: ReactNode;
}) {
  const { run, pending, error } = useApiAction();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const body = { email: String(f.get("email") ?? "").trim(), role: ZTeamRole.parse(f.get("role")) };
    props.onStart();
    const result = await run(() => apiFetch(props.path, { method: "POST", body, schema: props.schema }));
    if (result.ok) {
      props.onDone(result.value);
      form.reset();
    }
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label={props.label}>
      {error && <ErrorBanner title={props.errorTitle}>{error}</ErrorBanner>}
      {props.children}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Email" name="email" type="email" required autoComplete="off" />
        <SelectField label="Role" name="role" defaultValue="MEMBER" hint="Owners manage members; members deploy; viewers only read">
          <option value="OWNER">OWNER</option>
          <option value="MEMBER">MEMBER</option>
          <option value="VIEWER">VIEWER</option>
        </SelectField>
      </div>
      <SubmitButton pending={pending} pendingLabel={props.pendingLabel}>
        {props.submitLabel}
      </SubmitButton>
    </form>
  );
}

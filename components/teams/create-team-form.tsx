"use client";

import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { ZTeam } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { ErrorBanner } from "../ui/error-banner";
import { SubmitButton } from "../ui/submit-button";
import { Field } from "../ui/field";

export function CreateTeamForm() {
  const router = useRouter();
  const { run, pending, error } = useApiAction();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => Number(f.get(k));
    const body = {
      slug: String(f.get("slug") ?? "").trim(),
      name: String(f.get("name") ?? "").trim(),
      quota: { cpu: num("cpu"), memoryMiB: num("memoryMiB"), diskGiB: num("diskGiB"), sets: num("sets") },
    };
    const result = await run(() => apiFetch("/api/v1/teams", { method: "POST", body, schema: ZTeam }));
    if (result.ok) router.push(`/teams/${result.value.slug}`);
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Create team">
      {error && <ErrorBanner title="The team was not created">{error}</ErrorBanner>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Slug"
          name="slug"
          required
          minLength={2}
          maxLength={40}
          pattern="[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?"
          hint="Lowercase letters, digits and inner dashes; used in URLs and the API, cannot change"
          className="[&_input]:font-mono"
          autoComplete="off"
        />
        <Field label="Name" name="name" required maxLength={100} autoComplete="off" />
      </div>
      <fieldset>
        <legend className="mb-2 text-sm font-medium">Quota</legend>
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <Field label="CPU cores" name="cpu" type="number" min={0} step={0.25} defaultValue={4} required />
          <Field label="Memory (MiB)" name="memoryMiB" type="number" min={0} step={1} defaultValue={8192} required />
          <Field label="Disk (GiB)" name="diskGiB" type="number" min={0} step={1} defaultValue={100} required />
          <Field label="Sets" name="sets" type="number" min={0} step={1} defaultValue={10} required />
        </div>
      </fieldset>
      <SubmitButton pending={pending} pendingLabel="Creating…">
        Create team
      </SubmitButton>
    </form>
  );
}

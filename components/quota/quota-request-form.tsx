"use client";

import { useState, type FormEvent } from "react";
import { ZQuotaRequest, type TQuotaLimits } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { fieldErrorsOf } from "../api-issues";
import { hintOrError } from "../ui/field-hint";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { ErrorBanner } from "../ui/error-banner";
import { controlClass, Field } from "../ui/field";
import { SubmitButton } from "../ui/submit-button";

/**
 * Ask for new limits: the whole new set, prefilled with today's, so the member edits only what
 * must grow. An admin approves or rejects it; the outcome shows in the list below the form.
 */
export function QuotaRequestForm({
  team,
  limits,
  prefill,
  disabledReason,
}: {
  team: string;
  limits: TQuotaLimits;
  /** Limits and reason to start from instead of today's (an alert's or the autoscale card's link that says what is needed). */
  prefill?: { limits: TQuotaLimits; reason: string };
  disabledReason?: string;
}) {
  const start = prefill?.limits ?? limits;
  const { run, pending, error, failure } = useApiAction();
  const [filed, setFiled] = useState(false);
  const errors = fieldErrorsOf(failure);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const num = (k: string) => Number(f.get(k));
    const body = { cpu: num("cpu"), memoryMiB: num("memoryMiB"), diskGiB: num("diskGiB"), sets: num("sets"), reason: String(f.get("reason") ?? "").trim() };
    setFiled(false);
    const r = await run(() => apiFetch(`/api/v1/teams/${encodeURIComponent(team)}/quota-requests`, { method: "POST", body, schema: ZQuotaRequest }));
    if (r.ok) {
      setFiled(true);
      form.reset();
    }
  }

  return (
    <form onSubmit={submit} aria-label="Request quota" className="space-y-4">
      {error && <ErrorBanner title="The request was not filed">{error}</ErrorBanner>}
      {prefill && !filed && (
        <p role="status" data-testid="quota-prefilled" className="text-sm text-blue-800 dark:text-blue-300">
          Filled in from an alert: the limits below are today&apos;s plus what it needs. Check them and file the request.
        </p>
      )}
      {filed && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          Request filed. A platform admin decides it; its status shows in the list below.
        </p>
      )}
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Field label="CPU cores" name="cpu" type="number" min={0} step={0.25} defaultValue={start.cpu} required aria-invalid={errors.cpu ? true : undefined} hint={hintOrError(errors.cpu, `now ${limits.cpu}`)} />
        <Field label="Memory (MiB)" name="memoryMiB" type="number" min={0} step={1} defaultValue={start.memoryMiB} required aria-invalid={errors.memoryMiB ? true : undefined} hint={hintOrError(errors.memoryMiB, `now ${limits.memoryMiB}`)} />
        <Field label="Disk (GiB)" name="diskGiB" type="number" min={0} step={1} defaultValue={start.diskGiB} required aria-invalid={errors.diskGiB ? true : undefined} hint={hintOrError(errors.diskGiB, `now ${limits.diskGiB}`)} />
        <Field label="Sets" name="sets" type="number" min={0} step={1} defaultValue={start.sets} required aria-invalid={errors.sets ? true : undefined} hint={hintOrError(errors.sets, `now ${limits.sets}`)} />
      </div>
      <div>
        <label htmlFor="quota-reason" className="mb-1 block text-sm font-medium">
          Reason
        </label>
        <textarea
          id="quota-reason"
          name="reason"
          defaultValue={prefill?.reason}
          required
          minLength={3}
          maxLength={2000}
          rows={3}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby="quota-reason-hint"
          placeholder="What needs the room, and for how long (e.g. “checkout service launch: 4 more sets of 2 cores until March”)"
          className={controlClass("w-full py-1.5 text-sm")}
        />
        <p id="quota-reason-hint" className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {hintOrError(errors.reason, "The admin reads this before deciding.")}
        </p>
      </div>
      {disabledReason ? (
        <Button variant="primary" disabledReason={disabledReason}>
          Request quota
        </Button>
      ) : (
        <SubmitButton pending={pending} pendingLabel="Filing…">
          Request quota
        </SubmitButton>
      )}
    </form>
  );
}

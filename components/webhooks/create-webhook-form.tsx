"use client";

import { useState, type FormEvent } from "react";
import { ALERT_RULES, ZWebhook } from "@/lib/protocol/alerts";
import { RULE_LABELS } from "@/lib/ui/alerts";
import { apiFetch } from "../api-fetch";
import { fieldErrorsOf } from "../api-issues";
import { useApiAction } from "../use-api-action";
import { ErrorBanner } from "../ui/error-banner";
import { Field } from "../ui/field";
import { hintOrError } from "../ui/field-hint";
import { SubmitButton } from "../ui/submit-button";

/** A new webhook: URL, signing secret and (optionally) which rules it hears. */
export function CreateWebhookForm({ base }: { base: string }) {
  const { run, pending, error, failure } = useApiAction();
  const [created, setCreated] = useState<string | null>(null);
  const errors = fieldErrorsOf(failure);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const events = f.getAll("events").map(String);
    const body = { url: String(f.get("url") ?? "").trim(), secret: String(f.get("secret") ?? ""), ...(events.length ? { events } : {}) };
    setCreated(null);
    const r = await run(() => apiFetch(base, { method: "POST", body, schema: ZWebhook }));
    if (r.ok) {
      setCreated(r.value.url);
      form.reset();
    }
  }

  return (
    <form onSubmit={submit} aria-label="Add webhook" className="space-y-4">
      {error && <ErrorBanner title="The webhook was not added">{error}</ErrorBanner>}
      {created && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          Webhook added. Send it a test delivery to check the receiver and its signature check.
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Field
          label="URL"
          name="url"
          type="url"
          required
          maxLength={2000}
          placeholder="https://hooks.slack.com/services/…"
          autoComplete="off"
          aria-invalid={errors.url ? true : undefined}
          hint={hintOrError(errors.url, "http or https; receives a JSON POST with a Slack-compatible text and an alert object")}
        />
        <Field
          label="Secret"
          name="secret"
          type="password"
          required
          minLength={8}
          maxLength={256}
          autoComplete="new-password"
          aria-invalid={errors.secret ? true : undefined}
          hint={hintOrError(errors.secret, "Signs each delivery: X-Berth-Signature: sha256=<HMAC of the body>. Not shown again.")}
        />
      </div>
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Rules</legend>
        <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">None checked: every rule. Firing and resolving both deliver.</p>
        <div className="grid grid-cols-1 gap-1.5 sm:grid-cols-2 lg:grid-cols-4">
          {ALERT_RULES.map((r) => (
            <label key={r} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="events" value={r} className="size-4 rounded border-zinc-300 dark:border-zinc-700" />
              {RULE_LABELS[r]}
            </label>
          ))}
        </div>
      </fieldset>
      <SubmitButton pending={pending} pendingLabel="Adding…">
        Add webhook
      </SubmitButton>
    </form>
  );
}

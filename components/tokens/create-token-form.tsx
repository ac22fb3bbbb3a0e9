"use client";

import { useState, type FormEvent } from "react";
import { ZTokenCreated } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { CopyButton } from "../ui/copy-button";
import { Button } from "../ui/button";
import { ErrorBanner } from "../ui/error-banner";
import { SubmitButton } from "../ui/submit-button";
import { Field } from "../ui/field";

export function CreateTokenForm({ defaultDays, maxDays }: { defaultDays: number; maxDays: number }) {
  const { run, pending, error } = useApiAction();
  // Held only in this component's memory: leaving the page forgets it, as promised.
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const days = String(f.get("expiresInDays") ?? "").trim();
    const body = { name: String(f.get("name") ?? "").trim(), ...(days ? { expiresInDays: Number(days) } : {}) };
    const result = await run(() => apiFetch("/api/v1/auth/tokens", { method: "POST", body, schema: ZTokenCreated }));
    if (result.ok) {
      setCreated({ name: result.value.name, token: result.value.token });
      form.reset();
    }
  }

  return (
    <div className="space-y-4">
      {created && (
        <div
          role="status"
          className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
        >
          <p className="font-medium">Token “{created.name}” created. Copy it now — it will not be shown again.</p>
          <div className="flex flex-wrap items-center gap-2">
            <code
              data-testid="new-token"
              className="break-all rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs text-zinc-900 dark:border-amber-800 dark:bg-zinc-950 dark:text-zinc-100"
            >
              {created.token}
            </code>
            <CopyButton value={created.token} label="Copy token" />
          </div>
          <p className="text-xs">
            Use it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. Berth stores only a hash of it.
          </p>
          <Button size="sm" onClick={() => setCreated(null)}>
            I have copied it
          </Button>
        </div>
      )}
      <form onSubmit={submit} className="space-y-4" aria-label="Create token">
        {error && <ErrorBanner title="The token was not created">{error}</ErrorBanner>}
        <div className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <Field label="Token name" name="name" required maxLength={100} autoComplete="off" hint="What uses it, e.g. “ci-deploy”" />
          <Field
            label="Expires in (days)"
            name="expiresInDays"
            type="number"
            min={1}
            max={maxDays}
            step={1}
            placeholder={String(defaultDays)}
            hint={`Empty: ${defaultDays} days. At most ${maxDays}.`}
          />
        </div>
        <SubmitButton pending={pending} pendingLabel="Creating…">
        Create token
      </SubmitButton>
      </form>
    </div>
  );
}

"use client";

import { useState, type FormEvent } from "react";
import { ZEnrollmentToken } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { fieldErrorsOf } from "../api-issues";
import { hintOrError } from "../ui/field-hint";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { ErrorBanner } from "../ui/error-banner";
import { Field, SelectField } from "../ui/field";
import { Modal, useModal } from "../ui/modal";
import { RelativeTime } from "../ui/relative-time";

const TTLS = [
  { seconds: 900, label: "15 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "1 day" },
  { seconds: 7 * 86_400, label: "7 days" },
];

interface TCreated {
  token: string;
  expiresAt: string;
  /** The one line an operator runs on the new host. */
  command: string;
  fromCheckout: string;
}

/**
 * Enrolling a machine: a one-use token, shown once, with the exact command to run on it. The
 * token lives only in this component's memory, so closing the dialog forgets it.
 */
export function AddHost() {
  const { run, pending, error, failure, clearError } = useApiAction({ refresh: false });
  const [zone, setZone] = useState("");
  const [ttl, setTtl] = useState("3600");
  const [created, setCreated] = useState<TCreated | null>(null);
  const modal = useModal(() => {
    setZone("");
    setTtl("3600");
    setCreated(null);
    clearError();
  });
  const errors = fieldErrorsOf(failure);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (created) {
      modal.close();
      setCreated(null);
      return;
    }
    const body = { ttlSeconds: Number(ttl), ...(zone.trim() ? { zone: zone.trim() } : {}) };
    const r = await run(() => apiFetch("/api/v1/hosts/enrollment-tokens", { method: "POST", body, schema: ZEnrollmentToken }));
    if (r.ok) {
      // The agent must reach the console at the address this browser uses for it.
      const origin = window.location.origin;
      const zoneArg = zone.trim() ? ` --zone ${zone.trim()}` : "";
      const command = `curl -fsSL ${origin}/api/v1/agent/install.sh | sh -s -- --token ${r.value.token}${zoneArg}`;
      const fromCheckout = `BERTH_CONSOLE_URL=${origin} BERTH_ENROLL_TOKEN=${r.value.token} npm run agent`;
      setCreated({ token: r.value.token, expiresAt: r.value.expiresAt, command, fromCheckout });
    }
  }

  return (
    <>
      <Button variant="primary" onClick={modal.open}>
        Add host
      </Button>
      <Modal
        dialogRef={modal.ref}
        title="Add a host"
        wide
        description="Creates a one-use enrollment token and the one command that installs the agent with it on a machine that has Docker; the host appears here once it says hello."
        onSubmit={submit}
        footer={
          created ? (
            <Button type="submit" variant="primary">
              I have copied it
            </Button>
          ) : (
            <>
              <Button onClick={modal.close}>Cancel</Button>
              <Button type="submit" variant="primary" disabled={pending}>
                {pending ? "Creating…" : "Create token"}
              </Button>
            </>
          )
        }
      >
        {error && <ErrorBanner title="No token was created">{error}</ErrorBanner>}
        {created ? (
          <div
            role="status"
            className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
          >
            <p className="font-medium">Copy it now — it will not be shown again. It works once and expires <RelativeTime iso={created.expiresAt} />.</p>
            <div className="space-y-1">
              <p className="text-xs font-medium">Token</p>
              <code data-testid="enroll-token" className="block break-all rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs text-zinc-900 dark:border-amber-800 dark:bg-zinc-950 dark:text-zinc-100">
                {created.token}
              </code>
              <CopyButton value={created.token} label="Copy token" />
            </div>
            <div className="space-y-1">
              <p className="text-xs font-medium">On the new host, as root (it needs Docker and Node.js 20+; installs a systemd service)</p>
              <code data-testid="enroll-command" className="block break-all rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs text-zinc-900 dark:border-amber-800 dark:bg-zinc-950 dark:text-zinc-100">
                {created.command}
              </code>
              <CopyButton value={created.command} label="Copy command" />
            </div>
            <details className="text-xs">
              <summary className="cursor-pointer">Other ways: without systemd, or from a checkout of Berth</summary>
              <p className="mt-1">
                Add <code className="font-mono">--foreground</code> to run the agent in the terminal (containers, your own supervisor). From a checkout:
              </p>
              <code data-testid="enroll-command-checkout" className="mt-1 block break-all rounded border border-amber-300 bg-white px-2 py-1 font-mono text-zinc-900 dark:border-amber-800 dark:bg-zinc-950 dark:text-zinc-100">
                {created.fromCheckout}
              </code>
            </details>
          </div>
        ) : (
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              label="Zone"
              value={zone}
              onChange={(e) => setZone(e.target.value)}
              placeholder="e.g. rack-a"
              aria-invalid={errors.zone ? true : undefined}
              hint={hintOrError(errors.zone, "optional; the scheduler spreads an app's sets across zones")}
              className="[&_input]:font-mono"
              autoComplete="off"
            />
            <SelectField label="Valid for" value={ttl} onChange={(e) => setTtl(e.target.value)} hint="unused tokens expire">
              {TTLS.map((t) => (
                <option key={t.seconds} value={t.seconds}>
                  {t.label}
                </option>
              ))}
            </SelectField>
          </div>
        )}
      </Modal>
    </>
  );
}

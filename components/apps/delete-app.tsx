"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { TAppView } from "@/lib/protocol/apps";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { ErrorBanner } from "../ui/error-banner";
import { Field } from "../ui/field";
import { Modal, useModal } from "../ui/modal";
import { ProgressBanner } from "../ui/progress-banner";

/** Deleting an app takes its sets and their data with it, so it asks for the app's name, typed. */
export function DeleteApp({ app, disabledReason }: { app: TAppView; disabledReason?: string }) {
  const router = useRouter();
  // No re-read of this page after the delete: it would be a 404 for a moment before leaving.
  const { run, pending, error, clearError } = useApiAction({ refresh: false });
  const [typed, setTyped] = useState("");
  const modal = useModal(() => {
    setTyped("");
    clearError();
  });
  const sets = app.sets.filter((s) => s.state !== "Deleting").length;
  const matches = typed.trim() === app.name;

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!matches) return;
    const url = `/api/v1/teams/${encodeURIComponent(app.team)}/apps/${encodeURIComponent(app.name)}`;
    const r = await run(() => apiFetch(url, { method: "DELETE" }));
    if (r.ok) {
      modal.close();
      router.push(`/apps?deleted=${encodeURIComponent(app.name)}`);
    }
  }

  return (
    <>
      <Button variant="danger" disabledReason={disabledReason} onClick={modal.open}>
        Delete…
      </Button>
      <Modal
        dialogRef={modal.ref}
        title={`Delete ${app.name}?`}
        onSubmit={submit}
        footer={
          <>
            <Button onClick={modal.close}>Cancel</Button>
            <Button type="submit" variant="danger" disabled={pending} disabledReason={matches ? undefined : `Type ${app.name} first`}>
              {pending ? "Deleting…" : "Delete app"}
            </Button>
          </>
        }
      >
        <div className="space-y-2 text-sm text-zinc-700 dark:text-zinc-300">
          <p>
            All {sets} {sets === 1 ? "set" : "sets"} of <strong className="font-mono">{app.name}</strong> stop and are removed, and their reserved
            quota is released.
          </p>
          <p className="font-medium text-red-800 dark:text-red-200">
            Each set&apos;s volume goes to its host&apos;s recycle bin and is purged after the configured number of days (7 unless the console
            sets BERTH_TRASH_DAYS). A volume can only be restored into a set of the app it came from, so once this app is deleted its data
            cannot be brought back through Berth. Copy out anything you need first.
          </p>
        </div>
        {pending && (
          <ProgressBanner
            testId="app-delete-progress"
            phase="working"
            title="Deleting…"
            text={`stopping and removing ${sets} ${sets === 1 ? "set" : "sets"} on their hosts`}
          />
        )}
        {error && <ErrorBanner title="The app was not deleted">{error}</ErrorBanner>}
        <Field
          label={`Type ${app.name} to confirm`}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          className="[&_input]:font-mono"
        />
      </Modal>
    </>
  );
}

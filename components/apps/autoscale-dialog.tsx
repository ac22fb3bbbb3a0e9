"use client";

import { useState, type FormEvent } from "react";
import type { TAppView } from "@/lib/protocol/apps";
import { ZAutoscaleView, type TAutoscaleView } from "@/lib/protocol/autoscale";
import { apiFetch } from "../api-fetch";
import { fieldErrorsOf } from "../api-issues";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { ErrorBanner } from "../ui/error-banner";
import { Field } from "../ui/field";
import { hintOrError } from "../ui/field-hint";
import { Modal, useModal } from "../ui/modal";

const FIELDS = ["minReplicas", "maxReplicas", "cpuTargetPercent", "memoryTargetPercent", "scaleOutStabilizationSeconds", "scaleInStabilizationSeconds"] as const;
type TForm = Record<(typeof FIELDS)[number], string>;

/** What the form starts with: the policy, or HPA-like defaults around today's replica count. */
function initialForm(app: TAppView): TForm {
  const p = app.autoscale;
  const min = Math.max(1, app.replicas);
  return {
    minReplicas: String(p?.minReplicas ?? min),
    maxReplicas: String(p?.maxReplicas ?? Math.min(100, min * 4)),
    cpuTargetPercent: String(p?.cpuTargetPercent ?? 60),
    memoryTargetPercent: p?.memoryTargetPercent ? String(p.memoryTargetPercent) : "",
    scaleOutStabilizationSeconds: String(p?.scaleOutStabilizationSeconds ?? 15),
    scaleInStabilizationSeconds: String(p?.scaleInStabilizationSeconds ?? 300),
  };
}

/** Sets the app's autoscale policy (PUT): bounds, targets and the two stabilisation windows. */
export function AutoscaleDialog({ app, disabledReason, onSaved }: { app: TAppView; disabledReason?: string; onSaved: (view: TAutoscaleView) => void }) {
  const { run, pending, error, failure, clearError } = useApiAction({ refresh: false });
  const [form, setForm] = useState<TForm>(() => initialForm(app));
  const modal = useModal(() => {
    setForm(initialForm(app));
    clearError();
  });
  const errors = fieldErrorsOf(failure);
  const set = (k: keyof TForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const num = (k: keyof TForm) => Number(form[k]);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const body = {
      minReplicas: num("minReplicas"),
      maxReplicas: num("maxReplicas"),
      cpuTargetPercent: num("cpuTargetPercent"),
      memoryTargetPercent: form.memoryTargetPercent.trim() === "" ? null : num("memoryTargetPercent"),
      scaleOutStabilizationSeconds: num("scaleOutStabilizationSeconds"),
      scaleInStabilizationSeconds: num("scaleInStabilizationSeconds"),
    };
    const url = `/api/v1/teams/${encodeURIComponent(app.team)}/apps/${encodeURIComponent(app.name)}/autoscale`;
    const r = await run(() => apiFetch(url, { method: "PUT", body, schema: ZAutoscaleView }));
    if (r.ok) {
      onSaved(r.value);
      modal.close();
    }
  }

  const field = (k: keyof TForm, label: string, props: { min: number; max: number; hint: string; placeholder?: string }) => (
    <Field
      label={label}
      name={k}
      type="number"
      min={props.min}
      max={props.max}
      step={1}
      required={k !== "memoryTargetPercent"}
      placeholder={props.placeholder}
      value={form[k]}
      onChange={set(k)}
      aria-invalid={errors[k] ? true : undefined}
      hint={hintOrError(errors[k], props.hint)}
    />
  );

  return (
    <>
      <Button variant={app.autoscale ? "secondary" : "primary"} size="sm" disabledReason={disabledReason} onClick={modal.open}>
        {app.autoscale ? "Edit policy…" : "Set up autoscaling…"}
      </Button>
      <Modal
        dialogRef={modal.ref}
        title={`Autoscale ${app.name}`}
        wide
        description="The console adds sets when the Running sets' average CPU (of their limit) stays above the target, and removes them when it stays below, within the bounds and the team's quota."
        onSubmit={submit}
        footer={
          <>
            <Button onClick={modal.close}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={pending}>
              {pending ? "Saving…" : app.autoscale ? "Save policy" : "Turn on autoscaling"}
            </Button>
          </>
        }
      >
        {error && <ErrorBanner title="The policy was not saved">{error}</ErrorBanner>}
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          {field("minReplicas", "Min sets", { min: 1, max: 100, hint: "never fewer (≥ 1)" })}
          {field("maxReplicas", "Max sets", { min: 1, max: 100, hint: "never more; quota may stop it earlier" })}
          {field("cpuTargetPercent", "CPU target %", { min: 1, max: 100, hint: "average of the sets' CPU limit" })}
          {field("memoryTargetPercent", "Memory target %", { min: 1, max: 100, hint: "optional: also scale on memory", placeholder: "off" })}
          {field("scaleOutStabilizationSeconds", "Scale out after (s)", { min: 0, max: 3600, hint: "load above target this long" })}
          {field("scaleInStabilizationSeconds", "Scale in after (s)", { min: 0, max: 86400, hint: "load below target this long; one step per window" })}
        </div>
      </Modal>
    </>
  );
}

"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ZAppView, type TAppView } from "@/lib/protocol/apps";
import { ZQuota, type TQuota } from "@/lib/protocol/api";
import { formatMiB, formatNumber } from "@/lib/ui/format";
import { ApiError, apiFetch } from "../api-fetch";
import { fieldErrorsOf } from "../api-issues";
import { QuotaPreview } from "../quota/quota-preview";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { ErrorBanner } from "../ui/error-banner";
import { Field } from "../ui/field";
import { Modal, useModal } from "../ui/modal";
import { hintOrError } from "../ui/field-hint";

/**
 * Online resize: CPU and memory change in place in running containers (no restart), the volume
 * grows. The quota effect is the difference times the live sets, shown before anything changes.
 */
export function ResizeDialog({ app, disabledReason, onResized }: { app: TAppView; disabledReason?: string; onResized: (next: TAppView) => void }) {
  const { run, pending, error, failure, clearError } = useApiAction({ refresh: false });
  const [cpu, setCpu] = useState("");
  const [memory, setMemory] = useState("");
  const [disk, setDisk] = useState("");
  // Per container: [cpu %, memory %] as typed.
  const [percents, setPercents] = useState<Record<string, [string, string]>>({});
  const [quota, setQuota] = useState<TQuota | null>(null);
  const [quotaError, setQuotaError] = useState<string | null>(null);
  const modal = useModal(() => {
    setCpu(String(app.size.cpu));
    setMemory(String(app.size.memoryMiB));
    setDisk(String(app.size.diskGiB));
    setPercents(Object.fromEntries(app.containers.map((c) => [c.name, [String(c.cpu), String(c.memory)]])));
    clearError();
    setQuotaError(null);
    // Read now, not at page load: other apps of the team may have grown since.
    apiFetch(`/api/v1/teams/${encodeURIComponent(app.team)}/quota`, { schema: ZQuota }).then(setQuota, (err: unknown) =>
      setQuotaError(err instanceof Error ? err.message : String(err)),
    );
  });

  const sets = app.sets.filter((s) => s.state !== "Deleting").length;
  const n = (t: string, fallback: number) => (t.trim() !== "" && Number.isFinite(Number(t)) ? Number(t) : fallback);
  const next = { cpu: n(cpu, app.size.cpu), memoryMiB: n(memory, app.size.memoryMiB), diskGiB: n(disk, app.size.diskGiB) };
  const change = {
    cpu: (next.cpu - app.size.cpu) * sets,
    memoryMiB: (next.memoryMiB - app.size.memoryMiB) * sets,
    diskGiB: (next.diskGiB - app.size.diskGiB) * sets,
    sets: 0,
  };
  const shrinksDisk = next.diskGiB < app.size.diskGiB;
  const shares = app.containers.map((c) => {
    const [cpuText, memoryText] = percents[c.name] ?? [String(c.cpu), String(c.memory)];
    return { name: c.name, cpu: n(cpuText, c.cpu), memory: n(memoryText, c.memory), was: c };
  });
  const changedShares = shares.filter((x) => x.cpu !== x.was.cpu || x.memory !== x.was.memory).map(({ name, cpu, memory }) => ({ name, cpu, memory }));
  const memoryTotal = shares.reduce((a, x) => a + x.memory, 0);
  const sizeUnchanged = next.cpu === app.size.cpu && next.memoryMiB === app.size.memoryMiB && next.diskGiB === app.size.diskGiB;
  const unchanged = sizeUnchanged && changedShares.length === 0;
  const errors = fieldErrorsOf(failure);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (shrinksDisk || unchanged || memoryTotal > 100) return;
    const url = `/api/v1/teams/${encodeURIComponent(app.team)}/apps/${encodeURIComponent(app.name)}`;
    const body = { ...(sizeUnchanged ? {} : { size: next }), ...(changedShares.length ? { containers: changedShares } : {}) };
    const r = await run(() => apiFetch(url, { method: "PATCH", body, schema: ZAppView }));
    if (r.ok) {
      onResized(r.value);
      modal.close();
    }
  }

  return (
    <>
      <Button disabledReason={disabledReason} onClick={modal.open}>
        Resize…
      </Button>
      <Modal
        dialogRef={modal.ref}
        title={`Resize ${app.name}`}
        wide
        description={
          <>
            Now {formatNumber(app.size.cpu, 3)} cores, {formatMiB(app.size.memoryMiB)}, {app.size.diskGiB} GiB disk per set. Running containers get
            the new CPU and memory limits in place, without a restart; the volume grows online. Applies to all {sets} {sets === 1 ? "set" : "sets"}.
          </>
        }
        onSubmit={submit}
        footer={
          <>
            <Button onClick={modal.close}>Cancel</Button>
            <Button
              type="submit"
              variant="primary"
              disabled={pending}
              disabledReason={
                shrinksDisk ? "Disk can only grow" : memoryTotal > 100 ? "Memory shares add up past 100 %" : unchanged ? "Change a value first" : undefined
              }
            >
              {pending ? "Resizing…" : "Resize"}
            </Button>
          </>
        }
      >
        {error && (
          <ErrorBanner title={failure instanceof ApiError && failure.code === "QUOTA_EXCEEDED" ? "Quota exceeded" : "The app was not resized"}>
            <p>{error}</p>
            {failure instanceof ApiError && failure.code === "QUOTA_EXCEEDED" && (
              <Link href="/quota#request" className="font-medium underline">
                Request more quota →
              </Link>
            )}
          </ErrorBanner>
        )}
        <div className="grid grid-cols-3 gap-3">
          <Field
            label="CPU cores"
            type="number"
            min={0.1}
            step="any"
            value={cpu}
            onChange={(e) => setCpu(e.target.value)}
            aria-invalid={errors["size.cpu"] ? true : undefined}
            hint={hintOrError(errors["size.cpu"])}
          />
          <Field
            label="Memory MiB"
            type="number"
            min={16}
            step={1}
            value={memory}
            onChange={(e) => setMemory(e.target.value)}
            aria-invalid={errors["size.memoryMiB"] ? true : undefined}
            hint={hintOrError(errors["size.memoryMiB"])}
          />
          <Field
            label="Disk GiB"
            type="number"
            min={app.size.diskGiB}
            step={1}
            value={disk}
            onChange={(e) => setDisk(e.target.value)}
            aria-invalid={shrinksDisk || errors["size.diskGiB"] ? true : undefined}
            hint={hintOrError(shrinksDisk ? `can only grow: at least ${app.size.diskGiB}` : errors["size.diskGiB"], `grows only (≥ ${app.size.diskGiB})`)}
          />
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Each container&apos;s share of the set</legend>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            Percent of the set&apos;s CPU and memory; changed in place like the size. Memory shares add up to at most 100 % (now {memoryTotal} %).
          </p>
          <div className="grid grid-cols-[minmax(0,1fr)_8rem_8rem] items-end gap-x-3 gap-y-2">
            {shares.map((x) => (
              <div key={x.name} className="contents">
                <span className="truncate pb-2 font-mono text-sm" title={x.was.image}>
                  {x.name}
                </span>
                <Field
                  label={`${x.name} CPU %`}
                  type="number"
                  min={1}
                  max={100}
                  step={1}
                  value={percents[x.name]?.[0] ?? ""}
                  onChange={(e) => setPercents((p) => ({ ...p, [x.name]: [e.target.value, p[x.name]?.[1] ?? String(x.was.memory)] }))}
                />
                <Field
                  label={`${x.name} memory %`}
                  type="number"
                  min={1}
                  max={100}
                  step={1}
                  value={percents[x.name]?.[1] ?? ""}
                  onChange={(e) => setPercents((p) => ({ ...p, [x.name]: [p[x.name]?.[0] ?? String(x.was.cpu), e.target.value] }))}
                  aria-invalid={memoryTotal > 100 ? true : undefined}
                />
              </div>
            ))}
          </div>
        </fieldset>
        {quota ? (
          <QuotaPreview quota={quota} change={change} title="Team quota after the resize" />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{quotaError ? `Quota could not be read: ${quotaError}` : "Reading the team's quota…"}</p>
        )}
      </Modal>
    </>
  );
}

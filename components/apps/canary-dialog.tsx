"use client";

import { useId, useState, type FormEvent } from "react";
import { ZAppView, type TAppView } from "@/lib/protocol/apps";
import type { TImageCatalog } from "@/lib/ui/image-choices";
import { apiFetch } from "../api-fetch";
import { fieldErrorsOf } from "../api-issues";
import { useApiAction } from "../use-api-action";
import { StateBadge } from "../ui/badge";
import { Button } from "../ui/button";
import { ErrorBanner } from "../ui/error-banner";
import { Field, SelectField } from "../ui/field";
import { Modal, useModal } from "../ui/modal";
import { hintOrError } from "../ui/field-hint";
import { hasChoices, ImageChoices, imageHint, useImageCatalog } from "./image-catalog";

type TMode = "count" | "pick";

function CanaryImageHint({ current, catalog }: { current: string; catalog: TImageCatalog }) {
  const more = imageHint(catalog, null);
  return (
    <>
      now <span className="font-mono">{current}</span>
      {more && <> · {more}</>}
    </>
  );
}

/**
 * Start a canary: one container's image is replaced in some sets, the rest keep the old image.
 * The set's other containers, its IP and its volume stay as they are.
 */
export function CanaryDialog({ app, disabledReason, onStarted }: { app: TAppView; disabledReason?: string; onStarted: (next: TAppView) => void }) {
  const { run, pending, error, failure, clearError } = useApiAction({ refresh: false });
  const first = app.containers[0];
  const [container, setContainer] = useState(first?.name ?? "");
  const [image, setImage] = useState(first?.image ?? "");
  const [mode, setMode] = useState<TMode>("count");
  const [count, setCount] = useState("1");
  const [picked, setPicked] = useState<string[]>([]);
  // Counts the dialog's openings, so each one reads the catalog afresh (a tag pushed meanwhile is offered).
  const [opening, setOpening] = useState<number | null>(null);
  const catalog = useImageCatalog(app.team, opening);
  const choicesId = useId();
  const placed = app.sets.filter((s) => s.state !== "Deleting" && s.host);
  const modal = useModal(() => {
    setContainer(first?.name ?? "");
    setImage(first?.image ?? "");
    setMode("count");
    setCount("1");
    setPicked([]);
    setOpening((n) => (n ?? 0) + 1);
    clearError();
  });
  const errors = fieldErrorsOf(failure);
  const current = app.containers.find((c) => c.name === container)?.image ?? "";
  const why =
    app.canary !== null
      ? "A canary is already running; promote or roll it back first"
      : placed.length < 2
        ? "A canary needs at least 2 placed sets: some get the new image, the others keep the old one"
        : undefined;

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const sets = mode === "count" ? Number(count) : picked;
    const url = `/api/v1/teams/${encodeURIComponent(app.team)}/apps/${encodeURIComponent(app.name)}/canary`;
    const r = await run(() => apiFetch(url, { method: "POST", body: { container, image: image.trim(), sets }, schema: ZAppView }));
    if (r.ok) {
      onStarted(r.value);
      modal.close();
    }
  }

  return (
    <>
      <Button disabledReason={disabledReason ?? why} onClick={modal.open}>
        Canary…
      </Button>
      <Modal
        dialogRef={modal.ref}
        title={`Canary for ${app.name}`}
        wide
        description="Replaces one container's image in some sets while the others keep running the current image. Promote it to every set once it looks good, or roll it back."
        onSubmit={submit}
        footer={
          <>
            <Button onClick={modal.close}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={pending}>
              {pending ? "Starting…" : "Start canary"}
            </Button>
          </>
        }
      >
        {error && <ErrorBanner title="The canary did not start">{error}</ErrorBanner>}
        <div className="grid gap-3 sm:grid-cols-[12rem_minmax(0,1fr)]">
          <SelectField
            label="Container"
            value={container}
            onChange={(e) => {
              setContainer(e.target.value);
              setImage(app.containers.find((c) => c.name === e.target.value)?.image ?? "");
            }}
            aria-invalid={errors.container ? true : undefined}
            hint={hintOrError(errors.container)}
          >
            {app.containers.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </SelectField>
          <Field
            label="New image"
            value={image}
            onChange={(e) => setImage(e.target.value)}
            aria-invalid={errors.image ? true : undefined}
            hint={hintOrError(errors.image, <CanaryImageHint current={current} catalog={catalog} />)}
            list={hasChoices(catalog) ? choicesId : undefined}
            className="[&_input]:font-mono"
            autoComplete="off"
            spellCheck={false}
            required
          />
        </div>
        <ImageChoices id={choicesId} catalog={catalog} />
        <fieldset>
          <legend className="mb-2 text-sm font-medium">Which sets</legend>
          {errors.sets && <p className="mb-2 text-sm font-medium text-red-700 dark:text-red-300">{errors.sets}</p>}
          <div className="space-y-2 text-sm">
            <label className="flex flex-wrap items-center gap-2">
              <input type="radio" name="canary-mode" checked={mode === "count"} onChange={() => setMode("count")} />
              A number of sets, lowest first:
              <input
                type="number"
                aria-label="Number of sets"
                min={1}
                max={Math.max(1, placed.length - 1)}
                value={count}
                onChange={(e) => {
                  setCount(e.target.value);
                  setMode("count");
                }}
                className="h-7 w-16 rounded-md border border-zinc-300 bg-white px-2 text-center tabular-nums dark:border-zinc-700 dark:bg-zinc-950"
              />
              <span className="text-xs text-zinc-600 dark:text-zinc-400">of {placed.length}</span>
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="canary-mode" checked={mode === "pick"} onChange={() => setMode("pick")} />
              Pick sets
            </label>
            {mode === "pick" && (
              <ul className="ml-6 space-y-1">
                {placed.map((s) => (
                  <li key={s.id}>
                    <label className="flex flex-wrap items-center gap-2">
                      <input
                        type="checkbox"
                        checked={picked.includes(s.id)}
                        onChange={(e) => setPicked((p) => (e.target.checked ? [...p, s.id] : p.filter((id) => id !== s.id)))}
                      />
                      <code className="font-mono text-xs" title={`Set ${s.id}`}>
                        {s.name}
                      </code>
                      <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{s.host?.name}</span>
                      <StateBadge state={s.state} />
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </fieldset>
      </Modal>
    </>
  );
}

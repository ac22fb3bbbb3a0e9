"use client";

import { useId } from "react";
import type { TImageCatalog } from "@/lib/ui/image-choices";
import { Button } from "../ui/button";
import { cx } from "../ui/cx";
import { controlClass, Field } from "../ui/field";
import { hintOrError } from "../ui/field-hint";
import { emptyContainer, type TDraftContainer } from "./app-draft";
import { hasChoices, ImageChoices, imageHint } from "./image-catalog";

export function TextArea({
  label,
  value,
  onChange,
  error,
  hint,
  id,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  id: string;
  placeholder?: string;
}) {
  const hintId = `${id}-hint`;
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={hintId}
        placeholder={placeholder}
        rows={3}
        spellCheck={false}
        className={controlClass(cx("w-full py-1.5 font-mono text-xs", error && "border-red-500 dark:border-red-500"))}
      />
      <p id={hintId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        {hintOrError(error, hint)}
      </p>
    </div>
  );
}

const FIELDS = ["index", "name", "image", "cpu", "memory", "env", "command"] as const;

/**
 * The containers of a set, one bordered group each. Errors arrive keyed by the API's path
 * (containers.1.image) and land next to that field.
 */
export function ContainerRows({
  containers,
  onChange,
  errors,
  onEdited,
  catalog,
}: {
  containers: TDraftContainer[];
  onChange: (next: TDraftContainer[]) => void;
  errors: Record<string, string>;
  /** The API paths of the fields just edited, so their old complaints can go. */
  onEdited: (paths: string[]) => void;
  /** Images every row's image field suggests. */
  catalog: TImageCatalog;
}) {
  const base = useId();
  const choicesId = `${base}-images`;
  const update = (i: number, patch: Partial<TDraftContainer>) => {
    // The memory total is checked across rows, so a memory edit may fix the list-level complaint too.
    onEdited([...Object.keys(patch).map((k) => `containers.${i}.${k}`), ...("memory" in patch ? ["containers"] : [])]);
    onChange(containers.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  };
  const listError = errors.containers;
  return (
    <div className="space-y-3">
      <ImageChoices id={choicesId} catalog={catalog} />
      {listError && (
        <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-300">
          {listError}
        </p>
      )}
      {containers.map((c, i) => {
        const err = (f: (typeof FIELDS)[number]) => errors[`containers.${i}.${f}`];
        const id = (f: string) => `${base}-${i}-${f}`;
        const rowError = errors[`containers.${i}`];
        return (
          <fieldset key={c.key} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
            <legend className="px-1 text-sm font-medium">
              Container {i + 1}
              {c.name && <span className="ml-1.5 font-mono text-xs text-zinc-600 dark:text-zinc-400">{c.name}</span>}
            </legend>
            {rowError && <p className="mb-2 text-sm font-medium text-red-700 dark:text-red-300">{rowError}</p>}
            <div className="grid gap-3 sm:grid-cols-[5rem_minmax(0,1fr)_minmax(0,2fr)]">
              <Field
                label="Index"
                id={id("index")}
                type="number"
                min={0}
                max={15}
                step={1}
                value={c.index}
                onChange={(e) => update(i, { index: e.target.value })}
                aria-invalid={err("index") ? true : undefined}
                hint={hintOrError(err("index"), "0–15, start order")}
              />
              <Field
                label="Name"
                id={id("name")}
                value={c.name}
                onChange={(e) => update(i, { name: e.target.value })}
                aria-invalid={err("name") ? true : undefined}
                hint={hintOrError(err("name"), "lowercase, unique in the set")}
                className="[&_input]:font-mono"
                autoComplete="off"
              />
              <Field
                label="Image"
                id={id("image")}
                value={c.image}
                onChange={(e) => update(i, { image: e.target.value })}
                aria-invalid={err("image") ? true : undefined}
                hint={hintOrError(err("image"), imageHint(catalog, "e.g. registry.example.com/shop/web:1.4"))}
                list={hasChoices(catalog) ? choicesId : undefined}
                className="[&_input]:font-mono"
                placeholder="name:tag"
                autoComplete="off"
                spellCheck={false}
              />
            </div>
            <div className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-[8rem_8rem_minmax(0,1fr)]">
              <Field
                label="CPU %"
                id={id("cpu")}
                type="number"
                min={1}
                max={100}
                step={1}
                value={c.cpu}
                onChange={(e) => update(i, { cpu: e.target.value })}
                aria-invalid={err("cpu") ? true : undefined}
                hint={hintOrError(err("cpu"), "of the set's CPU")}
              />
              <Field
                label="Memory %"
                id={id("memory")}
                type="number"
                min={1}
                max={100}
                step={1}
                value={c.memory}
                onChange={(e) => update(i, { memory: e.target.value })}
                aria-invalid={err("memory") ? true : undefined}
                hint={hintOrError(err("memory"), "all add up to ≤ 100")}
              />
              <Field
                label="Command"
                id={id("command")}
                value={c.command}
                onChange={(e) => update(i, { command: e.target.value })}
                aria-invalid={err("command") ? true : undefined}
                hint={hintOrError(err("command"), "optional; quotes group words")}
                className="col-span-2 sm:col-span-1 [&_input]:font-mono"
                placeholder="httpd -f -p 8080"
                autoComplete="off"
                spellCheck={false}
              />
            </div>
            <div className="mt-3">
              <TextArea
                label="Environment"
                id={id("env")}
                value={c.env}
                onChange={(v) => update(i, { env: v })}
                error={err("env")}
                hint="optional; one KEY=VALUE per line"
                placeholder={"PORT=8080\nLOG_LEVEL=info"}
              />
            </div>
            <div className="mt-3 flex justify-end">
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove container ${i + 1}`}
                disabledReason={containers.length === 1 ? "A set needs at least one container" : undefined}
                onClick={() => {
                  // Rows after this one move up, so every container complaint would point at the wrong row.
                  onEdited(["containers", ...containers.flatMap((_, j) => [`containers.${j}`, ...FIELDS.map((f) => `containers.${j}.${f}`)])]);
                  onChange(containers.filter((_, j) => j !== i));
                }}
              >
                Remove container
              </Button>
            </div>
          </fieldset>
        );
      })}
      <Button
        size="sm"
        onClick={() => onChange([...containers, emptyContainer(containers)])}
        disabledReason={containers.length >= 16 ? "A set holds at most 16 containers" : undefined}
      >
        Add container
      </Button>
    </div>
  );
}

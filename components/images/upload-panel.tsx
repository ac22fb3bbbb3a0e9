"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, useSyncExternalStore, type DragEvent, type FormEvent } from "react";
import { formatBytes } from "@/lib/ui/format";
import { fieldErrorsOf } from "../api-issues";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { cx } from "../ui/cx";
import { ErrorBanner } from "../ui/error-banner";
import { Field } from "../ui/field";
import { hintOrError } from "../ui/field-hint";
import { shortDigest } from "./digest";
import { inspectTarball, splitRepoTag } from "./tarball";
import { UploadProgress, type TUploadPhase } from "./upload-progress";
import { uploadTarball, type TUploadHandle } from "./upload-request";

// Docker's reference grammar: path components of lowercase alphanumerics joined by . _ __ or dashes.
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** `team-a/web` and `web` both name `web` of team-a; the API takes the bare name. */
function bareName(team: string, repository: string): string {
  const r = repository.trim();
  return r.startsWith(`${team}/`) ? r.slice(team.length + 1) : r;
}

const noop = () => () => {};

interface TChosen {
  file: File;
  /** Why the file may not be what the form wants; the server has the last word. */
  warning: string | null;
}

/**
 * Uploading a `docker save` tarball, for machines that cannot reach the registry: drop or pick
 * the file, name it, watch it go. The list above re-reads itself once the image is stored.
 */
export function UploadPanel({ team, maxBytes, blockedReason }: { team: string; maxBytes: number; blockedReason?: string }) {
  const router = useRouter();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const upload = useRef<TUploadHandle | null>(null);
  const [chosen, setChosen] = useState<TChosen | null>(null);
  const [repository, setRepository] = useState("");
  const [tag, setTag] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [dragging, setDragging] = useState(false);
  const [phase, setPhase] = useState<TUploadPhase>({ kind: "idle" });
  const busy = phase.kind === "uploading" || phase.kind === "storing";
  const blocked = Boolean(blockedReason);
  // Before hydration a click would submit the form natively instead of running `submit`.
  const hydrated = useSyncExternalStore(noop, () => true, () => false);

  function choose(file: File | undefined) {
    if (!file || busy) return;
    setErrors({});
    setPhase({ kind: "idle" });
    const tooLarge = file.size > maxBytes ? `${formatBytes(file.size)} is past this console's limit of ${formatBytes(maxBytes)}` : null;
    setChosen({ file, warning: tooLarge });
    inspectTarball(file).then(
      (info) => {
        if (!info.looksLikeImage) {
          setChosen((c) => (c?.file === file ? { file, warning: tooLarge ?? "This does not look like a docker save tarball (no manifest.json or index.json inside)" } : c));
        }
        if (info.repoTag) {
          // The name it had on the machine it came from is the likeliest name here too.
          const suggested = splitRepoTag(info.repoTag);
          setRepository((r) => r || suggested.repository);
          setTag((t) => t || suggested.tag);
        }
      },
      (err: unknown) => console.warn("could not read the tarball's index", err),
    );
  }

  function validate(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!chosen) out.file = "Choose a tarball first";
    else if (chosen.file.size > maxBytes) out.file = `${formatBytes(chosen.file.size)} is past this console's limit of ${formatBytes(maxBytes)}`;
    const repo = bareName(team, repository);
    if (!repo) out.repository = "Name the repository, e.g. web";
    else if (!REPOSITORY.test(repo)) out.repository = "Lowercase letters, digits and . _ - (and / between parts)";
    if (!tag.trim()) out.tag = "Give it a tag, e.g. 1.0";
    else if (!TAG.test(tag.trim())) out.tag = "Letters, digits, _ . and -, not starting with . or -, at most 128";
    return out;
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (blocked || busy) return;
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0 || !chosen) return;
    const repo = bareName(team, repository);
    const file = chosen.file;
    setPhase({ kind: "uploading", loaded: 0, total: file.size });
    const handle = uploadTarball({
      team,
      repository: repo,
      tag: tag.trim(),
      file,
      maxBytes,
      onProgress: (loaded, total) => setPhase({ kind: "uploading", loaded, total }),
      onSent: () => setPhase({ kind: "storing" }),
    });
    upload.current = handle;
    try {
      const uploaded = await handle.done;
      setPhase({ kind: "done", uploaded });
      // Cleared, so the next tarball gets the name it carries as the suggestion.
      setChosen(null);
      setRepository("");
      setTag("");
      if (input.current) input.current.value = "";
      router.refresh();
    } catch (err) {
      setErrors(fieldErrorsOf(err));
      setPhase({ kind: "failed", message: err instanceof Error ? err.message : String(err) });
    } finally {
      upload.current = null;
    }
  }

  function onDrop(e: DragEvent<HTMLElement>) {
    e.preventDefault();
    setDragging(false);
    if (!blocked) choose(e.dataTransfer.files[0]);
  }

  const saveLine = "docker save -o image.tar <local-image>";
  const fileNote = errors.file ?? chosen?.warning ?? null;
  return (
    <Card labelledBy="upload">
      <CardHeader
        id="upload"
        title="Upload a docker save tarball"
        description={`For a machine that cannot reach the registry: up to ${formatBytes(maxBytes)}, stored as ${team}/<repository>:<tag>`}
      />
      <CardBody>
        <form onSubmit={submit} noValidate aria-label="Upload image" className="space-y-4">
          {blockedReason && (
            <p role="note" data-testid="upload-blocked" className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-300">
              {blockedReason}
            </p>
          )}
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
            Make one with <code className="wrap-anywhere font-mono">{saveLine}</code>
            <CopyButton value={saveLine} label="Copy" />
          </p>
          <fieldset disabled={blocked || busy} className="min-w-0 space-y-4">
            <legend className="sr-only">Tarball and name</legend>
            <label
              htmlFor={inputId}
              onDragOver={(e) => {
                e.preventDefault();
                if (!blocked && !busy) setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              data-testid="upload-dropzone"
              className={cx(
                "flex flex-col items-center gap-1 rounded-md border-2 border-dashed px-4 py-6 text-center text-sm",
                // The input itself is visually hidden; its keyboard focus shows on the zone.
                "has-[input:focus-visible]:outline-2 has-[input:focus-visible]:outline-offset-2 has-[input:focus-visible]:outline-blue-600 dark:has-[input:focus-visible]:outline-blue-400",
                blocked || busy ? "cursor-not-allowed opacity-60" : "cursor-pointer hover:border-blue-400 dark:hover:border-blue-500",
                dragging ? "border-blue-500 bg-blue-50 dark:border-blue-400 dark:bg-blue-950/40" : "border-zinc-300 dark:border-zinc-700",
                errors.file && "border-red-500 dark:border-red-400",
              )}
            >
              <input
                ref={input}
                id={inputId}
                type="file"
                accept=".tar,application/x-tar"
                aria-label="Image tarball"
                aria-describedby={fileNote ? `${inputId}-note` : undefined}
                aria-invalid={errors.file ? true : undefined}
                className="sr-only"
                onChange={(e) => choose(e.target.files?.[0])}
              />
              {chosen ? (
                <>
                  <span className="break-all font-mono text-sm font-medium">{chosen.file.name}</span>
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">{formatBytes(chosen.file.size)} · drop or choose another to replace it</span>
                </>
              ) : (
                <>
                  <span className="font-medium">Drop a tarball here, or choose a file</span>
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">.tar from docker save (or an OCI layout)</span>
                </>
              )}
            </label>
            {fileNote && (
              <p
                id={`${inputId}-note`}
                className={cx("-mt-2 text-xs font-medium", errors.file ? "text-red-700 dark:text-red-300" : "text-amber-800 dark:text-amber-300")}
              >
                {fileNote}
              </p>
            )}
            <div className="grid gap-3 sm:grid-cols-2">
              <Field
                label="Repository"
                value={repository}
                onChange={(e) => setRepository(e.target.value)}
                placeholder="web"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errors.repository ? true : undefined}
                hint={hintOrError(errors.repository, <>in the {team} namespace</>)}
                className="[&_input]:font-mono"
              />
              <Field
                label="Tag"
                value={tag}
                onChange={(e) => setTag(e.target.value)}
                placeholder="1.0"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errors.tag ? true : undefined}
                hint={hintOrError(errors.tag, "pushing a tag again moves it; running sets keep their digest")}
                className="[&_input]:font-mono"
              />
            </div>
          </fieldset>
          <UploadProgress phase={phase} />
          {phase.kind === "failed" && <ErrorBanner title="The image was not uploaded">{phase.message}</ErrorBanner>}
          {phase.kind === "done" && (
            <p role="status" data-testid="upload-done" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-200">
              Uploaded <code className="break-all font-mono font-medium">{`${phase.uploaded.repository}:${phase.uploaded.tag}`}</code> (
              <code className="font-mono">{shortDigest(phase.uploaded.digest)}</code>); apps can run it now.
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="primary" disabledReason={blockedReason} disabled={busy || !hydrated}>
              {busy ? "Uploading…" : "Upload"}
            </Button>
            {phase.kind === "uploading" && <Button onClick={() => upload.current?.abort()}>Cancel upload</Button>}
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { ZAppView } from "@/lib/protocol/apps";
import type { TQuota } from "@/lib/protocol/api";
import { ApiError, apiFetch } from "../api-fetch";
import { fieldErrorsOf } from "../api-issues";
import { overQuota, QuotaPreview } from "../quota/quota-preview";
import { Button } from "../ui/button";
import { Card, CardBody } from "../ui/card";
import { cx } from "../ui/cx";
import { ErrorBanner } from "../ui/error-banner";
import { controlClass, Field } from "../ui/field";
import { SubmitButton } from "../ui/submit-button";
import { bodyToDraft, draftReservation, draftToBody, initialDraft, type TDraft } from "./app-draft";
import { ContainerRows, TextArea } from "./container-rows";
import { useImageCatalog } from "./image-catalog";

/** The server names a port by its index (`ports.1.port`); the textarea shows it by line. */
function portsError(errors: Record<string, string>): string | undefined {
  const found = Object.entries(errors).find(([k]) => k === "ports" || k.startsWith("ports."));
  if (!found) return undefined;
  const [path, message] = found;
  const index = Number(path.split(".")[1]);
  return Number.isInteger(index) ? `port ${index + 1}: ${message}` : message;
}
import { hintOrError } from "../ui/field-hint";

type TTab = "form" | "json";

interface TFailure {
  title: string;
  message: string;
  quota: boolean;
  /** About fields only: the banner goes once every listed field has been edited. */
  fields: boolean;
}

function describeFailure(err: unknown, fieldCount: number): TFailure {
  const failed = "The app was not created";
  if (err instanceof ApiError) {
    if (err.code === "QUOTA_EXCEEDED") return { title: "Quota exceeded", message: err.message, quota: true, fields: false };
    if (err.code === "VALIDATION" && fieldCount > 0) return { title: failed, message: "The console refused some fields:", quota: false, fields: true };
    return { title: failed, message: err.message, quota: false, fields: false };
  }
  return { title: failed, message: err instanceof Error ? err.message : String(err), quota: false, fields: false };
}

/** Where each top-level form field sits in the API body, for matching the server's error paths. */
const DRAFT_PATHS: Record<string, string> = { name: "name", replicas: "replicas", cpu: "size.cpu", memoryMiB: "size.memoryMiB", diskGiB: "size.diskGiB", volumePath: "volumePath" };

function tabClass(active: boolean): string {
  return cx(
    "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
    active
      ? "border-blue-600 text-zinc-900 dark:border-blue-400 dark:text-white"
      : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white",
  );
}

/**
 * Create an app from fields or from the raw JSON body (the same one the API takes). Both tabs edit
 * one app: switching converts, and refuses (saying why) rather than drop what the form cannot show.
 */
export function CreateAppForm({ team, quota, disabledReason }: { team: string; quota: TQuota; disabledReason?: string }) {
  const router = useRouter();
  const [draft, setDraft] = useState<TDraft>(initialDraft);
  const [tab, setTab] = useState<TTab>("form");
  const [json, setJson] = useState("");
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<TFailure | null>(null);
  const [pending, setPending] = useState(false);
  // The form's page opens it once: one catalog read per visit.
  const catalog = useImageCatalog(team, 0);

  // An edited field's old complaint no longer applies to what it now holds.
  const dropErrors = (paths: string[]) =>
    setErrors((e) => (paths.some((p) => p in e) ? Object.fromEntries(Object.entries(e).filter(([k]) => !paths.includes(k))) : e));
  const set = (patch: Partial<TDraft>) => {
    dropErrors(Object.keys(patch).map((k) => DRAFT_PATHS[k] ?? k));
    setDraft((d) => ({ ...d, ...patch }));
  };

  // The preview follows whichever tab is being edited; unparsable JSON keeps the last good figures.
  const [lastJsonReservation, setLastJsonReservation] = useState(() => draftReservation(draft));
  const jsonReservation = useMemo(() => {
    try {
      return draftReservation(bodyToDraft(JSON.parse(json)).draft);
    } catch {
      return null; // mid-edit JSON does not parse; the previous figures stand
    }
  }, [json]);
  if (jsonReservation && JSON.stringify(jsonReservation) !== JSON.stringify(lastJsonReservation)) setLastJsonReservation(jsonReservation);
  const reservation = tab === "form" ? draftReservation(draft) : (jsonReservation ?? lastJsonReservation);

  function showJson() {
    setJson(JSON.stringify(draftToBody(draft).body, null, 2));
    setJsonError(null);
    setTab("json");
  }

  function showForm() {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (err) {
      setJsonError(`The JSON does not parse (${(err as Error).message}); fix it before switching to the form.`);
      return;
    }
    const { draft: next, unsupported } = bodyToDraft(raw);
    if (unsupported.length) {
      setJsonError(`The form has no field for ${unsupported.join(", ")}. Remove it, or create the app from this tab.`);
      return;
    }
    setDraft(next);
    setJsonError(null);
    setTab("form");
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    let body: unknown;
    if (tab === "json") {
      try {
        body = JSON.parse(json);
      } catch (err) {
        setJsonError(`The JSON does not parse: ${(err as Error).message}`);
        return;
      }
    } else {
      const built = draftToBody(draft);
      if (built.issues.length) {
        setErrors(Object.fromEntries(built.issues.map((i) => [i.path, i.message])));
        setFailure({ title: "The app was not created", message: "Some fields need fixing first:", quota: false, fields: true });
        return;
      }
      body = built.body;
    }
    setPending(true);
    setErrors({});
    setFailure(null);
    setJsonError(null);
    try {
      const app = await apiFetch(`/api/v1/teams/${encodeURIComponent(team)}/apps`, { method: "POST", body, schema: ZAppView });
      // Stays pending until the app page replaces this one, so a second click cannot create it twice.
      router.push(`/apps/${encodeURIComponent(app.name)}`);
    } catch (err) {
      const fieldErrors = fieldErrorsOf(err);
      setErrors(fieldErrors);
      setFailure(describeFailure(err, Object.keys(fieldErrors).length));
      setPending(false);
    }
  }

  const errorList = Object.entries(errors);
  // The preview already says the console would refuse this: no point letting the click find out.
  const refused = overQuota(quota, reservation);
  const blockedReason = disabledReason ?? (refused.length ? `Over the team's quota on ${refused.join(", ").toLowerCase()}` : undefined);
  return (
    <form onSubmit={submit} aria-label="Create app" className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <Card className="lg:col-start-1 lg:row-start-1">
        <div role="tablist" aria-label="Edit as" className="flex gap-2 border-b border-zinc-200 px-4 dark:border-zinc-800">
          <button type="button" role="tab" id="tab-form" aria-controls="panel-form" aria-selected={tab === "form"} className={tabClass(tab === "form")} onClick={() => tab !== "form" && showForm()}>
            Form
          </button>
          <button type="button" role="tab" id="tab-json" aria-controls="panel-json" aria-selected={tab === "json"} className={tabClass(tab === "json")} onClick={() => tab !== "json" && showJson()}>
            JSON
          </button>
        </div>
        <CardBody className="space-y-5">
          {failure && !(failure.fields && errorList.length === 0) && (
            <ErrorBanner title={failure.title}>
              <p>{failure.message}</p>
              {errorList.length > 0 && (
                <ul className="mt-1 list-disc space-y-0.5 pl-5">
                  {errorList.map(([path, message]) => (
                    <li key={path}>
                      <code className="font-mono text-xs">{path}</code>: {message}
                    </li>
                  ))}
                </ul>
              )}
              {failure.quota && (
                <Link href="/quota#request" className="mt-1 inline-block font-medium underline">
                  Request more quota →
                </Link>
              )}
            </ErrorBanner>
          )}
          {tab === "form" ? (
            <div role="tabpanel" id="panel-form" aria-labelledby="tab-form" className="space-y-5">
              <div className="grid gap-4 sm:grid-cols-2">
                <Field
                  label="App name"
                  value={draft.name}
                  onChange={(e) => set({ name: e.target.value })}
                  aria-invalid={errors.name ? true : undefined}
                  hint={hintOrError(errors.name, "lowercase letter first, then letters, digits, dashes; cannot change")}
                  className="[&_input]:font-mono"
                  autoComplete="off"
                  required
                />
                <Field
                  label="Replicas"
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  value={draft.replicas}
                  onChange={(e) => set({ replicas: e.target.value })}
                  aria-invalid={errors.replicas ? true : undefined}
                  hint={hintOrError(errors.replicas, "how many sets run this template")}
                />
              </div>
              <fieldset>
                <legend className="mb-2 text-sm font-semibold">Size of each set</legend>
                <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
                  <Field
                    label="CPU cores"
                    type="number"
                    min={0.1}
                    step="any"
                    value={draft.cpu}
                    onChange={(e) => set({ cpu: e.target.value })}
                    aria-invalid={errors["size.cpu"] ? true : undefined}
                    hint={hintOrError(errors["size.cpu"], "0.25 = 250 millicores")}
                  />
                  <Field
                    label="Memory MiB"
                    type="number"
                    min={16}
                    step={1}
                    value={draft.memoryMiB}
                    onChange={(e) => set({ memoryMiB: e.target.value })}
                    aria-invalid={errors["size.memoryMiB"] ? true : undefined}
                    hint={hintOrError(errors["size.memoryMiB"])}
                  />
                  <Field
                    label="Disk GiB"
                    type="number"
                    min={0}
                    step={1}
                    value={draft.diskGiB}
                    onChange={(e) => set({ diskGiB: e.target.value })}
                    aria-invalid={errors["size.diskGiB"] ? true : undefined}
                    hint={hintOrError(errors["size.diskGiB"], "the set's volume; grows, never shrinks")}
                  />
                  <Field
                    label="Volume path"
                    value={draft.volumePath}
                    onChange={(e) => set({ volumePath: e.target.value })}
                    aria-invalid={errors.volumePath ? true : undefined}
                    hint={hintOrError(errors.volumePath, "optional; /data by default")}
                    placeholder="/data"
                    className="[&_input]:font-mono"
                    autoComplete="off"
                  />
                </div>
              </fieldset>
              <fieldset>
                <legend className="mb-2 text-sm font-semibold">Ports</legend>
                <TextArea
                  label="Ports of the app"
                  id="app-ports"
                  value={draft.ports}
                  onChange={(v) => {
                    dropErrors(Object.keys(errors).filter((k) => k === "ports" || k.startsWith("ports.")));
                    setDraft((d) => ({ ...d, ports: v }));
                  }}
                  error={portsError(errors)}
                  hint="optional; one per line: name port[/udp] [publish]. Every port is reachable inside the team network; a published one also on its host at a port Berth picks."
                  placeholder={"http 8080 publish\nmetrics 9100"}
                />
              </fieldset>
              <fieldset>
                <legend className="mb-2 text-sm font-semibold">Containers</legend>
                <ContainerRows
                  containers={draft.containers}
                  onChange={(containers) => setDraft((d) => ({ ...d, containers }))}
                  onEdited={dropErrors}
                  errors={errors}
                  catalog={catalog}
                />
              </fieldset>
            </div>
          ) : (
            <div role="tabpanel" id="panel-json" aria-labelledby="tab-json" className="space-y-2">
              <label htmlFor="app-json" className="block text-sm font-medium">
                App body (JSON)
              </label>
              <textarea
                id="app-json"
                value={json}
                onChange={(e) => setJson(e.target.value)}
                rows={24}
                spellCheck={false}
                aria-invalid={jsonError ? true : undefined}
                aria-describedby="app-json-hint"
                className={controlClass("w-full py-2 font-mono text-xs leading-relaxed")}
              />
              <p id="app-json-hint" className="text-xs text-zinc-600 dark:text-zinc-400">
                {jsonError ? (
                  <span role="alert" className="font-medium text-red-700 dark:text-red-300">
                    {jsonError}
                  </span>
                ) : (
                  <>
                    The body <code className="font-mono">POST /api/v1/teams/{team}/apps</code> takes. Switching tabs keeps your changes.
                  </>
                )}
              </p>
            </div>
          )}
        </CardBody>
      </Card>
      {/* After the fields and before the button on a phone (the button answers to what the preview says); beside them on a wide screen. */}
      <Card className="lg:sticky lg:top-4 lg:col-start-2 lg:row-span-2 lg:row-start-1">
        <CardBody>
          <QuotaPreview quota={quota} change={reservation} title="Team quota with this app" />
        </CardBody>
      </Card>
      <div className="flex flex-wrap items-center gap-3 lg:col-start-1 lg:row-start-2">
        {blockedReason ? (
          <Button variant="primary" disabledReason={blockedReason}>
            Create app
          </Button>
        ) : (
          <SubmitButton pending={pending} pendingLabel="Creating…">
            Create app
          </SubmitButton>
        )}
        <Link href="/apps" className="text-sm text-zinc-700 hover:underline dark:text-zinc-300">
          Cancel
        </Link>
        {!disabledReason && refused.length > 0 && (
          <span className="text-sm text-red-800 dark:text-red-200" data-testid="create-blocked">
            Over the quota on {refused.join(", ").toLowerCase()}: lower the size or replicas, or request more quota.
          </span>
        )}
      </div>
    </form>
  );
}

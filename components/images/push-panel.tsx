"use client";

import Link from "next/link";
import { useState, type ReactNode } from "react";
import { Card, CardBody, CardHeader } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { Field } from "../ui/field";

function Step({ n, title, line, testId, children }: { n: number; title: string; line: string; testId: string; children?: ReactNode }) {
  return (
    <li className="space-y-1">
      <p className="text-sm font-medium">
        <span aria-hidden className="mr-1.5 inline-flex size-5 items-center justify-center rounded-full bg-zinc-100 text-xs tabular-nums text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
          {n}
        </span>
        {title}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          data-testid={testId}
          className="min-w-0 flex-1 wrap-anywhere rounded border border-zinc-200 bg-zinc-50 px-2 py-1 font-mono text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100"
        >
          {line}
        </code>
        <CopyButton value={line} label="Copy" />
      </div>
      {children && <div className="text-xs text-zinc-600 dark:text-zinc-400">{children}</div>}
    </li>
  );
}

/** Docker refuses plain HTTP except to loopback addresses and registries the daemon was told about. */
function needsInsecureConfig(url: string | null, host: string): boolean {
  if (!url?.startsWith("http://")) return false;
  const name = host.replace(/:\d+$/, "");
  return !(name === "localhost" || name.startsWith("127.") || name === "[::1]");
}

/**
 * The exact docker commands for this console and team. The three fields only fill in the
 * placeholders, so a copied line needs no editing once they are set.
 */
export function PushPanel({
  host,
  url,
  team,
  email,
  blockedReason,
}: {
  host: string;
  url: string | null;
  team: string;
  email: string;
  blockedReason?: string;
}) {
  const [local, setLocal] = useState("");
  const [repo, setRepo] = useState("");
  const [tag, setTag] = useState("");
  const ref = `${team}/${repo.trim() || "<repo>"}:${tag.trim() || "<tag>"}`;
  const remote = `${host}/${ref}`;
  return (
    <Card labelledBy="push">
      <CardHeader id="push" title="Push from your machine" description={`With the docker CLI, into the ${team} namespace of Berth's registry at ${host}`} />
      <CardBody className="space-y-4">
        {blockedReason && (
          <p role="note" className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-300">
            {blockedReason}. You can still log in and pull.
          </p>
        )}
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label="Local image" value={local} onChange={(e) => setLocal(e.target.value)} placeholder="my-app:dev" autoComplete="off" spellCheck={false} className="[&_input]:font-mono" />
          <Field label="Repository" value={repo} onChange={(e) => setRepo(e.target.value)} placeholder="web" autoComplete="off" spellCheck={false} className="[&_input]:font-mono" />
          <Field label="Tag" value={tag} onChange={(e) => setTag(e.target.value)} placeholder="1.0" autoComplete="off" spellCheck={false} className="[&_input]:font-mono" />
        </div>
        <ol className="space-y-4" aria-label="Push steps">
          <Step n={1} title="Log in to the registry" line={`docker login ${host} -u ${email}`} testId="push-login">
            The password is an API token (
            <Link href="/tokens" className="font-medium text-blue-700 hover:underline dark:text-blue-400">
              create one on the Tokens page
            </Link>
            ); your console password works too, but a token can be revoked on its own.
            {needsInsecureConfig(url, host) && (
              <>
                {" "}
                This registry speaks plain HTTP: add <code className="font-mono">&quot;{host}&quot;</code> to{" "}
                <code className="font-mono">insecure-registries</code> in <code className="font-mono">/etc/docker/daemon.json</code> first.
              </>
            )}
          </Step>
          <Step n={2} title="Name your image for this team" line={`docker tag ${local.trim() || "<local-image>"} ${remote}`} testId="push-tag" />
          <Step n={3} title="Push it" line={`docker push ${remote}`} testId="push-push">
            It appears on this page within seconds.
          </Step>
          <Step n={4} title="Use it in an app" line={ref} testId="push-use">
            As a container&apos;s image when you{" "}
            <Link href="/apps/new" className="font-medium text-blue-700 hover:underline dark:text-blue-400">
              create an app
            </Link>
            ; Berth pins the digest the tag points at when each set is created.
          </Step>
        </ol>
      </CardBody>
    </Card>
  );
}

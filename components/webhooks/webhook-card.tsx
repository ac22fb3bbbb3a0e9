"use client";

import { useCallback, useEffect, useState } from "react";
import { z } from "zod";
import { ZWebhookDelivery, ZWebhookTestQueued, type TWebhook, type TWebhookDelivery } from "@/lib/protocol/alerts";
import { RULE_LABELS } from "@/lib/ui/alerts";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Badge, type TTone } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { ErrorBanner } from "../ui/error-banner";
import { RelativeTime } from "../ui/relative-time";

const ZDeliveries = z.array(ZWebhookDelivery);
const STATUS_TONES: Record<TWebhookDelivery["status"], TTone> = { pending: "info", sending: "info", delivered: "success", failed: "danger" };
const STATUS_WORDS: Record<TWebhookDelivery["status"], string> = { pending: "Pending", sending: "Sending", delivered: "Delivered", failed: "Failed" };

/** One webhook: where it posts, what it hears, "Send test", delete, and its delivery log. */
export function WebhookCard({ base, hook }: { base: string; hook: TWebhook }) {
  const url = `${base}/${encodeURIComponent(hook.id)}`;
  const [log, setLog] = useState<TWebhookDelivery[] | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const test = useApiAction({ refresh: false });

  const load = useCallback(async () => {
    try {
      setLog(await apiFetch(`${url}/deliveries`, { schema: ZDeliveries }));
      setReadError(null);
    } catch (err) {
      setReadError(err instanceof Error ? err.message : String(err));
    }
  }, [url]);

  const busy = log?.some((d) => d.status === "pending" || d.status === "sending") ?? false;
  useEffect(() => {
    void load();
    // While an attempt waits or is under way the log is re-read every 2 s (retries land by themselves).
    const timer = setInterval(() => document.visibilityState === "visible" && void load(), busy ? 2000 : 15_000);
    return () => clearInterval(timer);
  }, [load, busy]);

  const sendTest = async () => {
    const r = await test.run(() => apiFetch(`${url}/test`, { method: "POST", schema: ZWebhookTestQueued }));
    if (r.ok) await load();
  };

  return (
    <article className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" aria-label={`Webhook ${hook.url}`} data-testid="webhook">
      <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <div className="min-w-0 space-y-1">
          <p className="break-all font-mono text-xs font-medium">{hook.url}</p>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {hook.events.length ? hook.events.map((e) => RULE_LABELS[e]).join(", ") : "Every rule"} · added <RelativeTime iso={hook.createdAt} />
          </p>
        </div>
        <div className="flex shrink-0 gap-2">
          <Button size="sm" onClick={sendTest} disabled={test.pending}>
            {test.pending ? "Queuing…" : "Send test"}
          </Button>
          <ConfirmButton
            label="Delete"
            title="Delete this webhook?"
            body={<p>Alerts stop going to <code className="break-all font-mono">{hook.url}</code>, and its delivery log is deleted with it.</p>}
            confirmLabel="Delete webhook"
            onConfirm={() => apiFetch(url, { method: "DELETE" })}
            ariaLabel={`Delete webhook ${hook.url}`}
          />
        </div>
      </div>
      {test.error && (
        <div className="px-4 pt-3">
          <ErrorBanner title="The test was not queued">{test.error}</ErrorBanner>
        </div>
      )}
      <div className="px-4 py-3">
        <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Deliveries</h3>
        {readError && <ErrorBanner title="The delivery log could not be read">{readError}</ErrorBanner>}
        {log === null ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>
        ) : log.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No deliveries yet. Alerts of the rules above are posted here as they fire and resolve.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="deliveries">
              <caption className="sr-only">Delivery attempts, newest first</caption>
              <thead>
                <tr className="border-b border-zinc-200 text-left text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
                  <th scope="col" className="py-1.5 pr-3 font-medium">When</th>
                  <th scope="col" className="py-1.5 pr-3 font-medium">Event</th>
                  <th scope="col" className="py-1.5 pr-3 text-right font-medium">Attempt</th>
                  <th scope="col" className="py-1.5 pr-3 font-medium">Outcome</th>
                  <th scope="col" className="py-1.5 pr-3 text-right font-medium">Code</th>
                  <th scope="col" className="py-1.5 pr-3 text-right font-medium">Time</th>
                  <th scope="col" className="py-1.5 font-medium">Next retry</th>
                </tr>
              </thead>
              <tbody>
                {log.slice(0, 50).map((d) => (
                  <tr key={d.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
                    <td className="py-1.5 pr-3">
                      <RelativeTime iso={d.attemptedAt ?? d.scheduledAt} />
                    </td>
                    <td className="py-1.5 pr-3 font-mono text-xs">{d.event}</td>
                    <td className="py-1.5 pr-3 text-right tabular-nums">{d.attempt}</td>
                    <td className="py-1.5 pr-3">
                      <span title={d.error ?? undefined}>
                        <Badge tone={STATUS_TONES[d.status]}>{STATUS_WORDS[d.status]}</Badge>
                      </span>
                      {d.error && d.statusCode === null && <span className="ml-2 text-xs text-zinc-600 dark:text-zinc-400">{d.error}</span>}
                    </td>
                    <td className="py-1.5 pr-3 text-right font-mono text-xs tabular-nums" data-testid="delivery-code">
                      {d.statusCode ?? "—"}
                    </td>
                    <td className="py-1.5 pr-3 text-right text-xs tabular-nums">{d.durationMs === null ? "—" : `${d.durationMs} ms`}</td>
                    <td className="py-1.5 text-xs">{d.status === "failed" ? <RelativeTime iso={d.nextRetryAt} fallback="gave up" /> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </article>
  );
}

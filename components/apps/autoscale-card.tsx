"use client";

import Link from "next/link";
import type { TAppView } from "@/lib/protocol/apps";
import type { TAutoscaleNeed, TAutoscaleView } from "@/lib/protocol/autoscale";
import { apiFetch } from "../api-fetch";
import { Badge } from "../ui/badge";
import { Card, CardBody, CardHeader } from "../ui/card";
import { ConfirmButton } from "../ui/confirm-button";
import { cx } from "../ui/cx";
import { RelativeTime } from "../ui/relative-time";
import { AutoscaleDialog } from "./autoscale-dialog";

/**
 * The Quota page's request form, pre-filled: `add*` are added to the team's limits there, and
 * `reason` fills the reason (components/quota/quota-request-form.tsx).
 */
export function quotaRequestHref(app: string, need: TAutoscaleNeed | null, why: string): string {
  const q = new URLSearchParams();
  if (need?.cpuMillis) q.set("addCpu", String(need.cpuMillis / 1000));
  if (need?.memoryMiB) q.set("addMemoryMiB", String(need.memoryMiB));
  if (need?.diskGiB) q.set("addDiskGiB", String(need.diskGiB));
  if (need?.sets) q.set("addSets", String(need.sets));
  q.set("reason", `Autoscaling of ${app}: ${why}`);
  return `/quota?${q.toString()}#request`;
}

/** Current utilisation against its target: the number first, a bar with the target marked second. */
function Gauge({ label, value, target }: { label: string; value: number | null; target: number }) {
  const pct = value === null ? 0 : Math.min(100, Math.max(0, value));
  const over = value !== null && value > target * 1.1;
  return (
    <div>
      <div className="mb-1 flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium">{label}</span>
        <span className="tabular-nums text-zinc-700 dark:text-zinc-300" data-testid={`autoscale-${label.toLowerCase()}`}>
          {value === null ? "no samples yet" : `${Math.round(value)} %`} <span className="text-zinc-500 dark:text-zinc-400">/ target {target} %</span>
        </span>
      </div>
      <div className="relative h-2 rounded-full bg-zinc-100 dark:bg-zinc-800" role="meter" aria-label={`${label} of the target`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <div className={cx("h-2 rounded-full", over ? "bg-amber-500" : "bg-blue-600 dark:bg-blue-500")} style={{ width: `${pct}%` }} />
        <div aria-hidden className="absolute -top-1 h-4 w-0.5 bg-zinc-900 dark:bg-zinc-100" style={{ left: `${target}%` }} title={`target ${target} %`} />
      </div>
    </div>
  );
}

function BlockedNotice({ app, blocked, canRequest }: { app: string; blocked: NonNullable<TAutoscaleView["blocked"]>; canRequest: boolean }) {
  return (
    <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-200" data-testid="autoscale-blocked">
      <p className="font-medium">Scale-out blocked since <RelativeTime iso={blocked.since} /></p>
      <p className="mt-0.5">{blocked.reason}.</p>
      {blocked.kind === "quota" ? (
        canRequest ? (
          <Link href={quotaRequestHref(app, blocked.need, blocked.reason)} className="mt-1 inline-block font-medium underline">
            Request the quota it needs →
          </Link>
        ) : (
          <p className="mt-1 text-xs">Ask a team member or owner to request more quota.</p>
        )
      ) : (
        <p className="mt-1 text-xs">The fleet has no free room for the new sets; a platform admin can add a host.</p>
      )}
    </div>
  );
}

/** The app's autoscale policy and what the autoscaler does with it, or "Autoscale off". */
export function AutoscaleCard({ app, disabledReason, onChanged }: { app: TAppView; disabledReason?: string; onChanged: (policy: TAutoscaleView | null) => void }) {
  const p = app.autoscale;
  const url = `/api/v1/teams/${encodeURIComponent(app.team)}/apps/${encodeURIComponent(app.name)}/autoscale`;
  return (
    <Card labelledBy="app-autoscale" className="mb-4">
      <CardHeader
        id="app-autoscale"
        title={
          <span className="flex items-center gap-2">
            Autoscale {p ? <Badge tone={p.blocked ? "warning" : "success"}>{p.blocked ? "Blocked" : "On"}</Badge> : <Badge tone="neutral">Off</Badge>}
          </span>
        }
        description={
          p
            ? `${p.minReplicas}–${p.maxReplicas} sets · out after ${p.scaleOutStabilizationSeconds} s above target, in after ${p.scaleInStabilizationSeconds} s below`
            : "Autoscale off: the app runs the replicas set above."
        }
        actions={
          <>
            <AutoscaleDialog app={app} disabledReason={disabledReason} onSaved={onChanged} />
            {p && (
              <ConfirmButton
                label="Turn off"
                title={`Turn off autoscaling of ${app.name}?`}
                body={<p>The app keeps its {app.replicas} {app.replicas === 1 ? "set" : "sets"}; nothing is added or removed until someone scales it.</p>}
                confirmLabel="Turn off autoscaling"
                variant="secondary"
                disabledReason={disabledReason}
                onConfirm={() => apiFetch(url, { method: "DELETE" }).then(() => onChanged(null))}
              />
            )}
          </>
        }
      />
      {p && (
        <CardBody className="space-y-3">
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <Gauge label="CPU" value={p.current?.cpuPercent ?? null} target={p.cpuTargetPercent} />
            {p.memoryTargetPercent !== null && <Gauge label="Memory" value={p.current?.memoryPercent ?? null} target={p.memoryTargetPercent} />}
          </div>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {p.current
              ? `Measured over ${p.current.runningSets} Running ${p.current.runningSets === 1 ? "set" : "sets"}; the load asks for ${p.current.desiredReplicas}.`
              : "Waiting for the first live measurement."}
          </p>
          <p className="text-sm" data-testid="autoscale-last">
            <span className="font-medium">Last decision: </span>
            {p.lastDecision ? (
              <>
                <span className="font-mono text-xs">{p.lastDecision}</span> <span className="text-xs text-zinc-600 dark:text-zinc-400">(<RelativeTime iso={p.lastScaleAt} />)</span>
              </>
            ) : (
              <span className="text-zinc-600 dark:text-zinc-400">none yet</span>
            )}
          </p>
          {p.blocked && <BlockedNotice app={app.name} blocked={p.blocked} canRequest={!disabledReason} />}
        </CardBody>
      )}
    </Card>
  );
}

"use client";

import Link from "next/link";
import { useState } from "react";
import { ZAppView, type TAppView } from "@/lib/protocol/apps";
import { sizeText, TRANSIENT_STATES } from "@/lib/ui/sets";
import { useLive } from "../realtime/use-live";
import { Card, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { RelativeTime } from "../ui/relative-time";
import { AutoscaleCard } from "./autoscale-card";
import { CanaryBanner } from "./canary-banner";
import { CanaryDialog } from "./canary-dialog";
import { DeleteApp } from "./delete-app";
import { EndpointsTable } from "./endpoints-table";
import { LiveStatus } from "./live-status";
import { OperationStatus, type TOperation } from "./operation-status";
import { ResizeDialog } from "./resize-dialog";
import { ScaleControl } from "./scale-control";
import { SetsTable } from "./sets-table";
import { TemplateTable } from "./template-table";
import { CanaryBadge, SetStateSummary } from "./state-summary";

/**
 * The app page below its breadcrumb: everything re-read live (socket events, then polling), the
 * day-2 controls, and the progress of the last action until its sets settle.
 */
export function AppDetail({ initial, disabledReason }: { initial: TAppView; disabledReason?: string }) {
  const live = useLive({
    initial,
    url: `/api/v1/teams/${encodeURIComponent(initial.team)}/apps/${encodeURIComponent(initial.name)}`,
    schema: ZAppView,
    relevant: (e, app) => app.sets.some((s) => s.id === e.setId),
    busy: (app) => app.sets.some((s) => TRANSIENT_STATES.has(s.state)) || app.sets.length !== app.replicas,
  });
  const [op, setOp] = useState<TOperation | null>(null);
  const app = live.data;

  if (live.error?.status === 404) {
    return (
      <Card>
        <EmptyState title={`${initial.name} no longer exists`} action={<Link href="/apps" className="text-sm font-medium text-blue-700 hover:underline dark:text-blue-400">Back to apps</Link>}>
          It was deleted, from another tab, by a teammate or by a script.
        </EmptyState>
      </Card>
    );
  }

  const landed = (next: TAppView, operation: TOperation) => {
    live.setData(next);
    setOp(operation);
  };

  return (
    <>
      <header className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1.5">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="font-mono text-xl font-semibold tracking-tight">{app.name}</h1>
            <SetStateSummary states={app.sets.map((s) => s.state)} />
            {app.canary && <CanaryBadge />}
          </div>
          <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="app-size">
            {app.replicas} {app.replicas === 1 ? "replica" : "replicas"} · {sizeText(app.size)} per set · volume at{" "}
            <code className="font-mono text-xs">{app.volumePath}</code> · created <RelativeTime iso={app.createdAt} />
          </p>
        </div>
        <LiveStatus connected={live.connected} error={live.error} />
      </header>

      <div className="mb-4 flex flex-wrap items-center justify-between gap-3 rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900">
        <ScaleControl
          app={app}
          disabledReason={disabledReason}
          onScaled={(next, target) => landed(next, { label: `Scaling to ${target}`, doneLabel: `Scaled to ${target}.` })}
        />
        <div className="flex flex-wrap gap-2">
          <ResizeDialog
            app={app}
            disabledReason={disabledReason}
            onResized={(next) => landed(next, { label: `Resizing to ${sizeText(next.size)}`, doneLabel: `Resized to ${sizeText(next.size)}, in place.` })}
          />
          <CanaryDialog
            app={app}
            disabledReason={disabledReason}
            onStarted={(next) =>
              landed(next, {
                label: `Starting canary ${next.canary?.image ?? ""}`,
                doneLabel: `Canary ${next.canary?.image ?? ""} running in ${next.canary?.setIds.length ?? 0} of ${next.sets.length} sets.`,
              })
            }
          />
          <DeleteApp app={app} disabledReason={disabledReason} />
        </div>
      </div>

      <AutoscaleCard app={app} disabledReason={disabledReason} onChanged={(autoscale) => live.setData({ ...app, autoscale })} />

      <div className="mb-4 space-y-3 empty:hidden">
        {app.canary && (
          <CanaryBanner
            app={app}
            canary={app.canary}
            disabledReason={disabledReason}
            onChanged={(next, what) =>
              landed(
                next,
                what === "promote"
                  ? { label: "Promoting the canary", doneLabel: "Canary promoted: every set runs the new image." }
                  : { label: "Rolling back the canary", doneLabel: "Canary rolled back: every set runs the previous image." },
              )
            }
          />
        )}
        {op && <OperationStatus app={app} op={op} onDismiss={() => setOp(null)} />}
      </div>

      <Card labelledBy="app-sets" className="mb-4">
        <CardHeader
          id="app-sets"
          title={`Sets (${app.sets.length})`}
          description="Each set is the containers below on one host, sharing one IP and one volume. Open a set by its name for charts, logs and a terminal."
        />
        <SetsTable app={app} />
      </Card>

      {app.ports.length > 0 && (
        <Card labelledBy="app-endpoints" className="mb-4">
          <CardHeader
            id="app-endpoints"
            title="Endpoints"
            description={`Published ports answer at their host's address; inside the team network, ${app.name} reaches every running set and ${app.name}-<n> one set.`}
          />
          <EndpointsTable app={app} />
        </Card>
      )}

      <Card labelledBy="app-template">
        <CardHeader id="app-template" title="Template" description="What every new set of this app starts with" />
        <TemplateTable app={app} />
      </Card>
    </>
  );
}

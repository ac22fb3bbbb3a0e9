import type { Metadata } from "next";
import Link from "next/link";
import { AlertBanner } from "@/components/alerts/alert-parts";
import { AlertsRefresh } from "@/components/alerts/alerts-refresh";
import { AppDetail } from "@/components/apps/app-detail";
import { AppLogs } from "@/components/logs/app-logs";
import { AppCharts } from "@/components/metrics/AppCharts";
import { Card, CardHeader } from "@/components/ui/card";
import { alertRows } from "@/lib/alerts/list";
import { EmptyState } from "@/components/ui/empty-state";
import { selectedTeamApp } from "@/lib/ui/app-page";
import { consoleContext } from "@/lib/ui/context";
import { canDeploy, VIEWER_REASON } from "@/lib/ui/roles";

type TProps = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  return { title: `App ${decodeURIComponent((await params).name)}` };
}

export default async function AppPage({ params }: TProps) {
  const name = decodeURIComponent((await params).name);
  const [{ principal, team }, app] = await Promise.all([consoleContext(), selectedTeamApp(name)]);
  if (!team || !app) {
    return (
      <Card>
        <EmptyState title="No team selected">Apps belong to a team; pick one in the team switcher.</EmptyState>
      </Card>
    );
  }
  // Firing alerts of the app itself (autoscale) and of its sets and containers.
  const alerts = await alertRows(principal, team.slug, { state: "firing" }, { appId: app.id });
  return (
    <>
      <AlertsRefresh />
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/apps" className="text-blue-700 underline underline-offset-2 dark:text-blue-400">
          Apps
        </Link>
        <span aria-hidden className="mx-1.5 text-zinc-400">
          /
        </span>
        <span className="font-mono text-xs">{app.name}</span>
        <span className="ml-2 text-xs text-zinc-600 dark:text-zinc-400">in {team.name}</span>
      </nav>
      <div className="mb-4 empty:hidden">
        <AlertBanner alerts={alerts} selectedTeam={team.slug} />
      </div>
      <AppDetail initial={app} disabledReason={canDeploy(principal.isAdmin, team.role) ? undefined : VIEWER_REASON} />
      {app.sets.length > 0 && (
        <Card labelledBy="app-metrics" className="mt-4">
          <CardHeader id="app-metrics" title="Metrics" description="Every set of the app: a line per set, and the band from the median to the busiest set" />
          <div className="p-4">
            <AppCharts sets={app.sets.map((s) => ({ id: s.id, name: s.name }))} />
          </div>
        </Card>
      )}
      <div className="mt-4">
        <AppLogs team={team.slug} app={app.name} />
      </div>
    </>
  );
}

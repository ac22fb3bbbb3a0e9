import type { Metadata } from "next";
import { AlertFilters } from "@/components/alerts/alert-filters";
import { AlertsRefresh } from "@/components/alerts/alerts-refresh";
import { AlertsTable } from "@/components/alerts/alerts-table";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { alertRows } from "@/lib/alerts/list";
import { ZAlertQuery } from "@/lib/protocol/alerts";
import { consoleContext } from "@/lib/ui/context";

export const metadata: Metadata = { title: "Alerts" };

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AlertsPage({ searchParams }: TProps) {
  const { principal, team } = await consoleContext();
  const sp = await searchParams;
  const pick = (k: string) => (typeof sp[k] === "string" && sp[k] ? { [k]: sp[k] } : {});
  const parsed = ZAlertQuery.safeParse({ ...pick("state"), ...pick("rule"), ...pick("severity") });
  // A hand-edited URL with an unknown filter value shows everything rather than failing.
  const query = parsed.success ? parsed.data : {};
  if (!principal.isAdmin && !team) {
    return (
      <>
        <PageHeader title="Alerts" />
        <Card>
          <EmptyState title="No team selected">Alerts belong to a team, and you are not in one yet.</EmptyState>
        </Card>
      </>
    );
  }
  // Admins see the platform's alerts (hosts) and every team's; members their selected team's.
  const scope = principal.isAdmin ? null : (team?.slug ?? null);
  const rows = await alertRows(principal, scope, query);
  const firing = rows.filter((a) => a.state === "firing").length;
  return (
    <>
      <AlertsRefresh poll />
      <PageHeader
        title="Alerts"
        description={
          principal.isAdmin
            ? "Every team's alerts and the platform's (hosts). Firing alerts resolve by themselves when their condition clears."
            : `Alerts of ${team?.name ?? ""}. Firing alerts resolve by themselves when their condition clears.`
        }
      />
      <div className="mb-4">
        <AlertFilters query={query} />
      </div>
      <Card labelledBy="alerts-list">
        <CardHeader id="alerts-list" title={`${rows.length} ${rows.length === 1 ? "alert" : "alerts"}`} description={`${firing} firing · newest first`} />
        {rows.length ? (
          <AlertsTable alerts={rows} selectedTeam={team?.slug ?? null} showTeam={principal.isAdmin} />
        ) : (
          <EmptyState title={Object.keys(query).length ? "No alerts match" : "No alerts"}>
            OOM kills, crash loops, unhealthy sets, hosts down, quotas and volumes nearly full and blocked autoscaling show up here.
          </EmptyState>
        )}
      </Card>
    </>
  );
}

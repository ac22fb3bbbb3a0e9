import type { Metadata } from "next";
import Link from "next/link";
import { AlertBanner } from "@/components/alerts/alert-parts";
import { AlertsRefresh } from "@/components/alerts/alerts-refresh";
import { AuditTable } from "@/components/audit/audit-table";
import { QuotaBars } from "@/components/quota/quota-bars";
import { Badge, StateBadge, type TTone } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { alertRows } from "@/lib/alerts/list";
import { listApps } from "@/lib/apps/view";
import { listAudit } from "@/lib/audit";
import { health } from "@/lib/health";
import { getQuota } from "@/lib/teams/quota";
import type { TAuditEvent } from "@/lib/protocol/api";
import { consoleContext } from "@/lib/ui/context";
import { countStates } from "@/lib/ui/sets";

export const metadata: Metadata = { title: "Dashboard" };

function hostCounts(a: { ready: number; notReady: number; unreachable: number; total: number }): { state: string; count: number; tone: TTone }[] {
  return [
    { state: "Ready", count: a.ready, tone: a.ready ? "success" : "neutral" },
    { state: "NotReady", count: a.notReady, tone: a.notReady ? "danger" : "neutral" },
    { state: "Unreachable", count: a.unreachable, tone: a.unreachable ? "danger" : "neutral" },
    { state: "Total", count: a.total, tone: "neutral" },
  ];
}

/** States an operator should look at: they get a link each on the dashboard. */
const UNHEALTHY = new Set(["Failed", "Degraded"]);

/**
 * Terminal sessions write a start and an end each; shown one by one they push every change off
 * the list. They are counted instead, and the list keeps `max` other events.
 */
function foldTerminal(events: TAuditEvent[], max: number): { shown: TAuditEvent[]; folded: number } {
  const shown: TAuditEvent[] = [];
  let folded = 0;
  for (const e of events) {
    if (shown.length === max) break;
    if (e.action.startsWith("terminal.")) folded += 1;
    else shown.push(e);
  }
  return { shown, folded };
}

const linkClass = "text-sm font-medium text-blue-700 hover:underline dark:text-blue-400";

export default async function DashboardPage() {
  const { principal, team } = await consoleContext();
  const [h, quota, events, apps, alerts] = await Promise.all([
    health(),
    team ? getQuota(principal, team.slug) : null,
    // More than are shown: terminal sessions fold into one line, and the rest still fill the list.
    listAudit(principal, { team: team?.slug, limit: 60 }),
    team ? listApps(principal, team.slug) : [],
    team ? alertRows(principal, team.slug, { state: "firing" }) : [],
  ]);
  // Sets an operator should look at: over their disk share, or waiting for a lost host's data.
  const attention = apps.flatMap((a) =>
    a.sets
      .filter((s) => s.writableLayers.over || (s.state === "Pending" && s.host !== null && s.host.status !== "Ready"))
      .map((s) => ({ id: s.id, name: s.name, why: s.writableLayers.over ? "writable layers over its disk share" : (s.reason ?? "waiting for its host") })),
  );

  const { shown: recent, folded } = foldTerminal(events, 10);
  const setStates = countStates(apps.flatMap((a) => a.sets.map((s) => s.state)));
  const unhealthy = apps.flatMap((a) => a.sets.filter((s) => UNHEALTHY.has(s.state)).map((s) => ({ ...s, app: a.name })));

  return (
    <>
      <header className="mb-5">
        <h1 className="text-xl font-semibold tracking-tight">Dashboard</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {team ? (
            <>
              Team <span className="font-medium text-zinc-900 dark:text-zinc-100">{team.name}</span>{" "}
              <span className="font-mono text-xs">({team.slug})</span>
            </>
          ) : (
            "You are not in any team yet."
          )}
        </p>
      </header>

      <AlertsRefresh poll />
      <div className="mb-4 empty:hidden">
        <AlertBanner alerts={alerts} selectedTeam={team?.slug ?? null} linkObjects />
      </div>

      <div className="grid gap-4 xl:grid-cols-2">
        <Card labelledBy="dash-hosts">
          <CardHeader
            id="dash-hosts"
            title="Hosts"
            description="Machines running the Berth agent"
            actions={principal.isAdmin ? <Link href="/hosts" className={linkClass}>All hosts</Link> : undefined}
          />
          <CardBody>
            {h.database === "down" ? (
              <p className="text-sm">
                <Badge tone="danger">Database down</Badge>{" "}
                <span className="ml-1 text-zinc-700 dark:text-zinc-300">The console cannot read its database; see the console log.</span>
              </p>
            ) : h.agents.total === 0 ? (
              <EmptyState title="No hosts enrolled yet">
                The local agent enrolls itself when <code className="font-mono text-xs">npm start</code> runs. Sets stay Pending until a host is Ready.
              </EmptyState>
            ) : (
              <dl className="grid grid-cols-3 gap-3 text-sm">
                {hostCounts(h.agents).map((s) => (
                  <div key={s.state}>
                    <dt>
                      <Badge tone={s.tone} dot={s.state !== "Total"}>
                        {s.state}
                      </Badge>
                    </dt>
                    <dd className="mt-1.5 text-2xl font-semibold tabular-nums">{s.count}</dd>
                  </div>
                ))}
              </dl>
            )}
          </CardBody>
        </Card>

        <Card labelledBy="dash-quota">
          <CardHeader
            id="dash-quota"
            title={team ? `Quota — ${team.name}` : "Quota"}
            description="What the team's sets reserve, against its limits"
            actions={team ? <Link href="/quota" className={linkClass}>Details</Link> : undefined}
          />
          <CardBody>
            {quota ? (
              <QuotaBars quota={quota} />
            ) : principal.isAdmin ? (
              <EmptyState title="No teams yet" action={<Link href="/teams" className={buttonClass("primary")}>Create a team</Link>}>
                Teams own apps, images and a quota. Create the first one and add its members.
              </EmptyState>
            ) : (
              <EmptyState title="You are not in a team">Ask a team owner or a platform admin to add you to a team.</EmptyState>
            )}
          </CardBody>
        </Card>
      </div>

      {team && (
        <Card labelledBy="dash-sets" className="mt-4">
          <CardHeader
            id="dash-sets"
            title="Sets by state"
            description={`${apps.length} ${apps.length === 1 ? "app" : "apps"} in ${team.slug}`}
            actions={<Link href="/apps" className={linkClass}>All apps</Link>}
          />
          <CardBody>
            {setStates.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No sets yet.</p>
            ) : (
              <dl className="flex flex-wrap gap-x-8 gap-y-3 text-sm" data-testid="sets-by-state">
                {setStates.map((c) => (
                  <div key={c.state}>
                    <dt>
                      <StateBadge state={c.state} />
                    </dt>
                    <dd className="mt-1.5 text-2xl font-semibold tabular-nums">{c.count}</dd>
                  </div>
                ))}
              </dl>
            )}
            {unhealthy.length > 0 && (
              <ul className="mt-4 space-y-1 border-t border-zinc-200 pt-3 text-sm dark:border-zinc-800" data-testid="unhealthy-sets" aria-label="Unhealthy sets">
                {unhealthy.slice(0, 20).map((s) => (
                  <li key={s.id} className="flex flex-wrap items-center gap-2">
                    <StateBadge state={s.state} />
                    <Link href={`/sets/${encodeURIComponent(s.id)}`} title={`Set ${s.id}`} className={`font-mono ${linkClass}`}>
                      {s.name}
                    </Link>
                    {s.reason && <span className="min-w-0 text-xs text-zinc-600 dark:text-zinc-400">{s.reason}</span>}
                  </li>
                ))}
                {unhealthy.length > 20 && <li className="text-xs text-zinc-600 dark:text-zinc-400">and {unhealthy.length - 20} more</li>}
              </ul>
            )}
          </CardBody>
        </Card>
      )}

      {attention.length > 0 && (
        <Card labelledBy="dash-attention" className="mt-4">
          <CardHeader id="dash-attention" title="Sets needing attention" description={`${attention.length} in ${team?.slug ?? "your team"}`} />
          <CardBody>
            <ul className="space-y-1 text-sm" data-testid="attention-sets">
              {attention.map((s) => (
                <li key={s.id}>
                  <Link href={`/sets/${s.id}`} className={linkClass}>
                    {s.name}
                  </Link>{" "}
                  <span className="text-amber-800 dark:text-amber-300">{s.why}</span>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      )}

      <Card labelledBy="dash-audit" className="mt-4">
        <CardHeader
          id="dash-audit"
          title="Recent activity"
          description={team ? `The last events in ${team.slug}` : "The last events you can see"}
          actions={<Link href={team ? `/audit?team=${team.slug}` : "/audit"} className={linkClass}>Audit log</Link>}
        />
        {events.length ? (
          <>
            <AuditTable events={recent} label="Recent activity" />
            {folded > 0 && (
              <p className="border-t border-zinc-200 px-4 py-2 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400" data-testid="folded-terminal">
                {folded} terminal session {folded === 1 ? "event" : "events"} (start and end) folded.{" "}
                <Link href={`/audit?${new URLSearchParams({ ...(team ? { team: team.slug } : {}), action: "terminal." })}`} className={linkClass}>
                  Show them
                </Link>
              </p>
            )}
          </>
        ) : (
          <EmptyState title="Nothing has happened here yet">Adding members, creating tokens and every later change show up here.</EmptyState>
        )}
      </Card>
    </>
  );
}

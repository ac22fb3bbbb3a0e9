import Link from "next/link";
import type { TAlertRow } from "@/lib/alerts/list";
import { alertLink } from "@/lib/alerts/links";
import { quotaRequestHref, RULE_LABELS, SEVERITY_TONES } from "@/lib/ui/alerts";
import { Badge } from "../ui/badge";
import { TeamSelectingLink } from "../ui/team-selecting-link";

export function SeverityBadge({ severity }: { severity: TAlertRow["severity"] }) {
  return <Badge tone={SEVERITY_TONES[severity]}>{severity === "critical" ? "Critical" : severity === "warning" ? "Warning" : "Info"}</Badge>;
}

export function AlertStateBadge({ state }: { state: TAlertRow["state"] }) {
  return <Badge tone={state === "firing" ? "danger" : "success"}>{state === "firing" ? "Firing" : "Resolved"}</Badge>;
}

export function RuleName({ rule }: { rule: TAlertRow["rule"] }) {
  return (
    <span title={rule} className="whitespace-nowrap">
      {RULE_LABELS[rule]}
    </span>
  );
}

/** The object an alert is about, linked to its page (an app of another team selects that team first). */
export function AlertObjectLink({ alert, selectedTeam }: { alert: TAlertRow; selectedTeam: string | null }) {
  const href = alertLink({ objectKind: alert.object.kind, objectName: alert.object.name, setId: alert.setId });
  const text = (
    <>
      <span className="text-zinc-600 dark:text-zinc-400">{alert.object.kind} </span>
      <span className="font-mono">{alert.object.name}</span>
    </>
  );
  const cls = "text-xs text-blue-700 hover:underline dark:text-blue-400";
  if (alert.object.kind === "app" && alert.team && alert.team !== selectedTeam) {
    return (
      <TeamSelectingLink href={href} team={alert.team} className={cls}>
        {text}
      </TeamSelectingLink>
    );
  }
  return (
    <Link href={href} className={cls}>
      {text}
    </Link>
  );
}

/** The one-click way out of a quota-blocked scale-out: the quota form, filled in. */
export function QuotaRequestLink({ alert }: { alert: TAlertRow }) {
  const req = quotaRequestHref(alert.details);
  if (!req || alert.state !== "firing") return null;
  return (
    <Link
      href={req.href}
      data-testid="alert-quota-request"
      className="inline-block rounded-md bg-blue-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
    >
      Request quota: {req.need} →
    </Link>
  );
}

/**
 * Firing alerts about the object a page shows (app, set), or a team's on the dashboard with
 * `linkObjects`, above the fold. Nothing when none fire; the page's AlertsRefresh re-renders it
 * when one fires or resolves.
 */
export function AlertBanner({ alerts, selectedTeam, linkObjects = false }: { alerts: TAlertRow[]; selectedTeam: string | null; linkObjects?: boolean }) {
  const firing = alerts.filter((a) => a.state === "firing");
  if (firing.length === 0) return null;
  const critical = firing.some((a) => a.severity === "critical");
  return (
    <section
      aria-label="Firing alerts"
      data-testid="alert-banner"
      className={
        critical
          ? "rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-950 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100"
          : "rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
      }
    >
      <div className="mb-1 flex items-center justify-between gap-2">
        <p className="font-semibold">
          {firing.length} {firing.length === 1 ? "alert" : "alerts"} firing
        </p>
        <Link href="/alerts?state=firing" className="text-xs underline">
          All alerts
        </Link>
      </div>
      <ul className="space-y-2">
        {firing.map((a) => (
          <li key={a.id} className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <SeverityBadge severity={a.severity} />
            <span className="font-medium">
              <RuleName rule={a.rule} />
            </span>
            <span className="min-w-0 break-words">{a.message}</span>
            {(linkObjects || a.object.kind === "container") && <AlertObjectLink alert={a} selectedTeam={selectedTeam} />}
            <QuotaRequestLink alert={a} />
          </li>
        ))}
      </ul>
    </section>
  );
}

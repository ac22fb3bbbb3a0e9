import type { TAlertRow } from "@/lib/alerts/list";
import { DataTable } from "../ui/data-table";
import { RelativeTime } from "../ui/relative-time";
import { AlertObjectLink, AlertStateBadge, QuotaRequestLink, RuleName, SeverityBadge } from "./alert-parts";

const SEVERITY_RANK = { critical: 3, warning: 2, info: 1 } as const;

/** State and severity in one narrow column and the alert (rule, message, object) in one wide one: readable at phone width. */
export function AlertsTable({ alerts, selectedTeam, showTeam }: { alerts: TAlertRow[]; selectedTeam: string | null; showTeam: boolean }) {
  return (
    <DataTable
      label="Alerts"
      initialSort={{ key: "lastSeen", dir: "desc" }}
      columns={[
        { key: "state", label: "State", sortable: true },
        { key: "alert", label: "Alert", sortable: true },
        ...(showTeam ? [{ key: "team", label: "Team", sortable: true }] : []),
        { key: "firstSeen", label: "Since", sortable: true },
        { key: "lastSeen", label: "Last seen", sortable: true },
        { key: "resolved", label: "Resolved", sortable: true },
      ]}
      rows={alerts.map((a) => ({
        id: a.id,
        values: {
          state: `${a.state === "firing" ? 1 : 0}${SEVERITY_RANK[a.severity]}`,
          alert: `${a.rule} ${a.object.name} ${a.message}`,
          team: a.team ?? "platform",
          firstSeen: a.firstSeenAt,
          lastSeen: a.lastSeenAt,
          resolved: a.resolvedAt,
        },
        cells: {
          state: (
            <span className="flex flex-col items-start gap-1">
              <AlertStateBadge state={a.state} />
              <SeverityBadge severity={a.severity} />
            </span>
          ),
          alert: (
            <div className="min-w-56 max-w-xl space-y-1 whitespace-normal">
              <p className="flex flex-wrap items-baseline gap-x-2 font-medium">
                <RuleName rule={a.rule} />
                <AlertObjectLink alert={a} selectedTeam={selectedTeam} />
              </p>
              <p className="break-words text-sm text-zinc-700 dark:text-zinc-300">{a.message}</p>
              <QuotaRequestLink alert={a} />
            </div>
          ),
          team: a.team ? <span className="font-mono text-xs">{a.team}</span> : <span className="text-xs text-zinc-600 dark:text-zinc-400">platform</span>,
          firstSeen: <RelativeTime iso={a.firstSeenAt} />,
          lastSeen: <RelativeTime iso={a.lastSeenAt} />,
          resolved: <RelativeTime iso={a.resolvedAt} />,
        },
      }))}
    />
  );
}

import type { TAlertRow } from "@/lib/alerts/list";
import { DataTable } from "../ui/data-table";
import { RelativeTime } from "../ui/relative-time";
import { AlertObjectLink, AlertStateBadge, QuotaRequestLink, RuleName, SeverityBadge } from "./alert-parts";

const SEVERITY_RANK = { critical: 3, warning: 2, info: 1 } as const;

export function AlertsTable({ alerts, selectedTeam, showTeam }: { alerts: TAlertRow[]; selectedTeam: string | null; showTeam: boolean }) {
  return (
    <DataTable
      label="Alerts"
      initialSort={{ key: "lastSeen", dir: "desc" }}
      columns={[
        { key: "state", label: "State", sortable: true },
        { key: "severity", label: "Severity", sortable: true },
        { key: "rule", label: "Rule", sortable: true },
        ...(showTeam ? [{ key: "team", label: "Team", sortable: true }] : []),
        { key: "object", label: "Object", sortable: true },
        { key: "message", label: "Message" },
        { key: "firstSeen", label: "Since", sortable: true },
        { key: "lastSeen", label: "Last seen", sortable: true },
        { key: "resolved", label: "Resolved", sortable: true },
      ]}
      rows={alerts.map((a) => ({
        id: a.id,
        values: {
          state: a.state,
          severity: SEVERITY_RANK[a.severity],
          rule: a.rule,
          team: a.team ?? "platform",
          object: a.object.name,
          message: a.message,
          firstSeen: a.firstSeenAt,
          lastSeen: a.lastSeenAt,
          resolved: a.resolvedAt,
        },
        cells: {
          state: <AlertStateBadge state={a.state} />,
          severity: <SeverityBadge severity={a.severity} />,
          rule: <RuleName rule={a.rule} />,
          team: a.team ? <span className="font-mono text-xs">{a.team}</span> : <span className="text-xs text-zinc-600 dark:text-zinc-400">platform</span>,
          object: <AlertObjectLink alert={a} selectedTeam={selectedTeam} />,
          message: (
            <div className="max-w-md space-y-1 whitespace-normal">
              <p className="text-sm">{a.message}</p>
              <QuotaRequestLink alert={a} />
            </div>
          ),
          firstSeen: <RelativeTime iso={a.firstSeenAt} />,
          lastSeen: <RelativeTime iso={a.lastSeenAt} />,
          resolved: <RelativeTime iso={a.resolvedAt} />,
        },
      }))}
    />
  );
}

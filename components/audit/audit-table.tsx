import Link from "next/link";
import type { TAuditEvent } from "@/lib/protocol/api";
import { formatMiB, formatNumber } from "@/lib/ui/format";
import { DataTable } from "../ui/data-table";
import { RelativeTime } from "../ui/relative-time";

/** The most telling detail of an event's target: who or what, not an opaque id when a name exists. */
function targetLabel(e: TAuditEvent): string {
  if (e.targetName) return e.targetName;
  const d = e.details;
  // A quota request has no name: the limits it asks for say which one it is.
  if (e.targetType === "quota_request" && typeof d.cpu === "number" && typeof d.memoryMiB === "number" && typeof d.diskGiB === "number" && typeof d.sets === "number") {
    return `${formatNumber(d.cpu, 3)} cores · ${formatMiB(d.memoryMiB)} · ${formatNumber(d.diskGiB)} GiB · ${formatNumber(d.sets)} sets`;
  }
  for (const key of ["email", "slug", "name"]) {
    const v = d[key];
    if (typeof v === "string" && v) return v;
  }
  return e.targetId ?? "";
}

function changeSummary(e: TAuditEvent): string | null {
  const d = e.details;
  if (typeof d.from === "string" && typeof d.to === "string") return `${d.from} → ${d.to}`;
  if (typeof d.role === "string") return d.role;
  const flags = (["disabled", "isAdmin"] as const).filter((k) => typeof d[k] === "boolean").map((k) => `${k}=${String(d[k])}`);
  return flags.length ? flags.join(", ") : null;
}

export function AuditTable({ events, label }: { events: TAuditEvent[]; label: string }) {
  return (
    <DataTable
      label={label}
      initialSort={{ key: "when", dir: "desc" }}
      columns={[
        { key: "when", label: "When", sortable: true },
        { key: "actor", label: "Actor", sortable: true },
        { key: "team", label: "Team", sortable: true },
        { key: "action", label: "Action", sortable: true, role: "title" },
        { key: "target", label: "Target" },
      ]}
      rows={events.map((e) => {
        const change = changeSummary(e);
        return {
          id: e.id,
          values: { when: e.at, actor: e.actor, team: e.team, action: e.action, target: targetLabel(e) },
          cells: {
            when: <RelativeTime iso={e.at} />,
            actor: e.actor,
            team: e.team ? <span className="font-mono text-xs">{e.team}</span> : <span className="text-zinc-500 dark:text-zinc-400">—</span>,
            action: <span className="font-mono text-xs">{e.action}</span>,
            target: (
              <span>
                <span className="text-zinc-600 dark:text-zinc-400">{e.targetType}</span>{" "}
                <span className="font-mono text-xs" title={e.targetId && e.targetId !== targetLabel(e) ? `${e.targetType} ${e.targetId}` : undefined}>
                  {e.targetType === "set" && e.targetId && e.targetName ? (
                    <Link href={`/sets/${encodeURIComponent(e.targetId)}`} className="text-blue-700 hover:underline dark:text-blue-400">
                      {e.targetName}
                    </Link>
                  ) : (
                    targetLabel(e)
                  )}
                </span>
                {change && <span className="ml-1.5 text-xs text-zinc-600 dark:text-zinc-400">({change})</span>}
              </span>
            ),
          },
        };
      })}
    />
  );
}

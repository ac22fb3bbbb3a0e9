import type { Metadata } from "next";
import { StateBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { UsageBar } from "@/components/ui/usage-bar";
import { listHosts } from "@/lib/hosts/list";
import { formatBytes, formatNumber } from "@/lib/ui/format";
import { requirePrincipal } from "@/lib/ui/session";

export const metadata: Metadata = { title: "Hosts" };

export default async function HostsPage() {
  const principal = await requirePrincipal();
  if (!principal.isAdmin) {
    return (
      <>
        <PageHeader title="Hosts" />
        <Card>
          <EmptyState title="Only platform admins see hosts">
            Your team&apos;s sets are placed on hosts automatically. The Apps page shows where each set runs once apps exist.
          </EmptyState>
        </Card>
      </>
    );
  }
  const hosts = await listHosts(principal);
  const counts = { Ready: 0, Unreachable: 0, Cordoned: 0 };
  for (const h of hosts) counts[h.status] += 1;

  return (
    <>
      <PageHeader
        title="Hosts"
        description={
          hosts.length
            ? `${counts.Ready} Ready · ${counts.Unreachable} Unreachable · ${counts.Cordoned} Cordoned`
            : "Machines running the Berth agent and a Docker engine."
        }
      />
      <Card labelledBy="hosts-list">
        <CardHeader id="hosts-list" title={`${hosts.length} ${hosts.length === 1 ? "host" : "hosts"}`} />
        <DataTable
          label="Hosts"
          initialSort={{ key: "name", dir: "asc" }}
          columns={[
            { key: "name", label: "Name", sortable: true },
            { key: "status", label: "Status", sortable: true },
            { key: "zone", label: "Zone", sortable: true },
            { key: "cpu", label: "CPU allocated", sortable: true },
            { key: "memory", label: "Memory allocated", sortable: true },
            { key: "disk", label: "Disk free", sortable: true, align: "right" },
            { key: "seen", label: "Last seen", sortable: true },
            { key: "agent", label: "Agent", sortable: true },
          ]}
          rows={hosts.map((h) => ({
            id: h.id,
            values: {
              name: h.name,
              status: h.status,
              zone: h.zone,
              cpu: h.capacity.cpuCores ? h.allocated.cpuCores / h.capacity.cpuCores : 0,
              memory: h.capacity.memoryBytes ? h.allocated.memoryBytes / h.capacity.memoryBytes : 0,
              disk: h.diskFreeBytes,
              seen: h.lastSeenAt,
              agent: h.agentVersion,
            },
            cells: {
              name: <span className="font-mono text-xs font-medium">{h.name}</span>,
              status: (
                <span title={h.statusReason ?? undefined}>
                  <StateBadge state={h.status} />
                  {h.statusReason && <span className="mt-0.5 block max-w-48 whitespace-normal text-xs text-zinc-600 dark:text-zinc-400">{h.statusReason}</span>}
                </span>
              ),
              zone: <span className="font-mono text-xs">{h.zone}</span>,
              cpu: (
                <div className="min-w-40">
                  <UsageBar label="CPU" used={h.allocated.cpuCores} limit={h.capacity.cpuCores} format={(n) => formatNumber(n, 2)} unit="cores" showLabel={false} />
                </div>
              ),
              memory: (
                <div className="min-w-40">
                  <UsageBar label="Memory" used={h.allocated.memoryBytes} limit={h.capacity.memoryBytes} format={formatBytes} showLabel={false} />
                </div>
              ),
              disk: <span className="tabular-nums">{formatBytes(h.diskFreeBytes)}</span>,
              seen: <RelativeTime iso={h.lastSeenAt} fallback="Never" />,
              agent: <span className="font-mono text-xs">{h.agentVersion ?? "—"}</span>,
            },
          }))}
          empty={
            <EmptyState title="No hosts enrolled yet">
              The local agent enrolls itself when <code className="font-mono text-xs">npm start</code> runs; for other machines create an
              enrollment token (coming with the agent).
            </EmptyState>
          }
        />
      </Card>
    </>
  );
}

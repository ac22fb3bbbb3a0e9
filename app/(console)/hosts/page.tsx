import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/auto-refresh";
import { AddHost } from "@/components/hosts/add-host";
import { UpgradeAgent, UpgradeAllAgents } from "@/components/hosts/upgrade-agent";
import { HostActions } from "@/components/hosts/host-actions";
import { StateBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { UsageBar } from "@/components/ui/usage-bar";
import { HostSets } from "@/components/hosts/host-sets";
import { AlertsRefresh } from "@/components/alerts/alerts-refresh";
import { alertRows } from "@/lib/alerts/list";
import { listHosts } from "@/lib/hosts/list";
import { setsByHost } from "@/lib/hosts/sets";
import { agentUpgradable } from "@/lib/ui/agents";
import { exactTime, formatBytes, formatNumber } from "@/lib/ui/format";
import { requirePrincipal } from "@/lib/ui/session";

export const metadata: Metadata = { title: "Hosts" };

const GIB = 1024 ** 3;

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function HostsPage({ searchParams }: TProps) {
  const principal = await requirePrincipal();
  const { q } = await searchParams;
  if (!principal.isAdmin) {
    return (
      <>
        <PageHeader title="Hosts" />
        <Card>
          <EmptyState title="Only platform admins see hosts">
            Your team&apos;s sets are placed on hosts automatically. Each app&apos;s page shows the host and IP of every set.
          </EmptyState>
        </Card>
      </>
    );
  }
  const [hosts, hostSets, hostAlerts] = await Promise.all([
    listHosts(principal),
    setsByHost(principal),
    alertRows(principal, null, { state: "firing", rule: "host_not_ready" }),
  ]);
  const alertOf = new Map(hostAlerts.map((a) => [a.hostId, a]));
  const counts = { Ready: 0, NotReady: 0, Unreachable: 0, Cordoned: 0 };
  for (const h of hosts) counts[h.status] += 1;
  const latest = hosts[0]?.latestAgentVersion ?? null;
  const outdated = hosts.filter(agentUpgradable).length;

  return (
    <>
      {/* Heartbeats move "last seen", status and free disk every few seconds; no socket carries them to browsers. */}
      <AutoRefresh seconds={10} />
      <AlertsRefresh />
      <PageHeader
        title="Hosts"
        description={
          hosts.length
            ? `${counts.Ready} Ready · ${counts.NotReady ? `${counts.NotReady} NotReady · ` : ""}${counts.Unreachable} Unreachable · ${counts.Cordoned} Cordoned`
            : "Machines running the Berth agent and a Docker engine."
        }
        actions={
          <span className="flex flex-wrap items-start gap-2">
            {latest && <UpgradeAllAgents count={outdated} to={latest} />}
            <AddHost />
          </span>
        }
      />
      <Card labelledBy="hosts-list">
        <CardHeader
          id="hosts-list"
          title={`${hosts.length} ${hosts.length === 1 ? "host" : "hosts"}`}
          description="Allocated is what sets reserve on the host; the scheduler places a set only where all of it fits. Cordoned hosts keep their sets but get no new ones."
        />
        <DataTable
          // A new ?q= (the palette, while on this page) starts the table over with that filter.
          key={typeof q === "string" ? q : ""}
          label="Hosts"
          search
          initialFilter={typeof q === "string" ? q : ""}
          facets={[
            { key: "status", label: "Status" },
            { key: "zone", label: "Zone" },
          ]}
          initialSort={{ key: "name", dir: "asc" }}
          columns={[
            { key: "name", label: "Host · zone · agent", sortable: true, role: "title" },
            { key: "status", label: "Status", sortable: true, role: "state" },
            { key: "cpu", label: "CPU allocated", sortable: true },
            { key: "memory", label: "Memory allocated", sortable: true },
            { key: "disk", label: "Disk reserved / free", sortable: true },
            { key: "actions", label: "Actions", hideLabel: true, align: "right", role: "actions" },
          ]}
          rows={hosts.map((h) => {
            const freeGiB = Math.floor(h.diskFreeBytes / GIB);
            return {
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
                name: (
                  <span className="block whitespace-nowrap">
                    <span className="block font-mono text-xs font-medium">{h.name}</span>
                    <span className="block font-mono text-xs text-zinc-600 dark:text-zinc-400" title="Zone">
                      {h.zone}
                    </span>
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                      <span className="font-mono">{h.agentVersion ? `v${h.agentVersion}` : "no agent yet"}</span> · seen{" "}
                      <RelativeTime iso={h.lastSeenAt} fallback="never" />
                    </span>
                    {agentUpgradable(h) && <UpgradeAgent id={h.id} name={h.name} to={h.latestAgentVersion!} />}
                    <HostSets host={h.name} sets={hostSets.get(h.id) ?? []} />
                  </span>
                ),
                status: (
                  <span title={h.statusReason ?? undefined} data-testid="host-status">
                    <StateBadge state={h.status} />
                    {alertOf.has(h.id) && (
                      <Link href="/alerts?state=firing&rule=host_not_ready" data-testid="host-alert" className="mt-0.5 block max-w-48 whitespace-normal text-xs font-medium text-red-700 hover:underline dark:text-red-300">
                        Alert firing since <RelativeTime iso={alertOf.get(h.id)?.firstSeenAt ?? null} />
                      </Link>
                    )}
                    {h.statusReason && <span className="mt-0.5 block max-w-48 whitespace-normal text-xs text-zinc-600 dark:text-zinc-400">{h.statusReason}</span>}
                    {h.registryPull && (
                      <span
                        className={`mt-0.5 block max-w-48 whitespace-normal text-xs ${h.registryPull.ok ? "text-zinc-600 dark:text-zinc-400" : "text-red-700 dark:text-red-300"}`}
                        data-testid="registry-pull"
                        title={`Checked ${exactTime(h.registryPull.checkedAt)}`}
                      >
                        {h.registryPull.ok ? "Pulls from the registry" : `Cannot pull from the registry: ${h.registryPull.error ?? "unknown error"}`}
                      </span>
                    )}
                    {h.rescheduleAt && (
                      <span className="mt-0.5 block max-w-48 whitespace-normal text-xs text-amber-800 dark:text-amber-300" data-testid="reschedule-note">
                        {h.sets} {h.sets === 1 ? "set moves" : "sets move"} to other hosts <RelativeTime iso={h.rescheduleAt} fallback="soon" /> unless it
                        returns
                      </span>
                    )}
                  </span>
                ),
                cpu: (
                  <div className="min-w-36">
                    <UsageBar label={`CPU allocated on ${h.name}`} used={h.allocated.cpuCores} limit={h.capacity.cpuCores} format={(n) => formatNumber(n, 2)} unit="cores" showLabel={false} />
                  </div>
                ),
                memory: (
                  <div className="min-w-36">
                    <UsageBar label={`Memory allocated on ${h.name}`} used={h.allocated.memoryBytes} limit={h.capacity.memoryBytes} format={formatBytes} showLabel={false} />
                  </div>
                ),
                disk: (
                  // What sets reserve against the engine disk's free space. The scheduler uses the volume root's free space,
                  // usually the same disk; the API does not expose that figure separately.
                  <div className="min-w-36">
                    <UsageBar label={`Disk reserved on ${h.name}`} used={h.allocated.diskGiB} limit={freeGiB} format={formatNumber} unit="GiB" showLabel={false} />
                    {/* One line: free space, then what Berth itself occupies (layers, volumes, recycle bin). */}
                    <span className="mt-0.5 block text-right text-xs text-zinc-600 sm:whitespace-nowrap dark:text-zinc-400">
                      {formatBytes(h.diskFreeBytes)} free
                      {h.berthDisk && (
                        <>
                          {" · "}
                          <span data-testid="berth-disk" title={`What Berth occupies, measured ${exactTime(h.berthDisk.measuredAt)}`}>
                            layers {formatBytes(h.berthDisk.containersBytes)} · volumes {formatBytes(h.berthDisk.volumesBytes)} · bin {formatBytes(h.berthDisk.trashBytes)}
                          </span>
                        </>
                      )}
                    </span>
                  </div>
                ),
                actions: (
                  <HostActions
                    id={h.id}
                    name={h.name}
                    cordoned={h.cordoned}
                    hasSets={h.allocated.cpuCores > 0 || h.allocated.memoryBytes > 0}
                    drain={h.drain}
                  />
                ),
              },
            };
          })}
          empty={
            <EmptyState title="No hosts enrolled yet" action={<AddHost />}>
              The local agent enrolls itself when <code className="font-mono text-xs">npm start</code> runs. For another machine, add a host:
              you get a one-use token and the command to run there.
            </EmptyState>
          }
        />
      </Card>
    </>
  );
}

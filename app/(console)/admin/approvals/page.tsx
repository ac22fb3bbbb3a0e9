import type { Metadata } from "next";
import Link from "next/link";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { DecisionForm } from "@/components/quota/decision-form";
import { LimitsChange, quotaStatusWord } from "@/components/quota/limits-change";
import { Badge, StateBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TQuota } from "@/lib/protocol/api";
import { listQuotaRequests } from "@/lib/quota/requests";
import { getQuota } from "@/lib/teams/quota";
import { formatMiB, formatNumber } from "@/lib/ui/format";
import { requirePrincipal } from "@/lib/ui/session";

export const metadata: Metadata = { title: "Quota approvals" };

function usedNow(q: TQuota): string {
  const { used, limits } = q;
  return `${formatNumber(used.cpu, 3)} of ${formatNumber(limits.cpu, 3)} cores · ${formatMiB(used.memoryMiB)} of ${formatMiB(limits.memoryMiB)} · ${used.diskGiB} of ${limits.diskGiB} GiB · ${used.sets} of ${limits.sets} sets`;
}

export default async function ApprovalsPage() {
  const principal = await requirePrincipal();
  if (!principal.isAdmin) {
    return (
      <>
        <PageHeader title="Quota approvals" />
        <Card>
          <EmptyState title="Only platform admins decide quota requests">Your team&apos;s requests and their outcome are on the Quota page.</EmptyState>
        </Card>
      </>
    );
  }
  const all = await listQuotaRequests(principal);
  const pending = all.filter((r) => r.status === "PENDING").reverse(); // oldest first: first come, first decided
  const decided = all.filter((r) => r.status !== "PENDING").slice(0, 20);
  const teams = [...new Set(pending.map((r) => r.team))];
  const usage = new Map(await Promise.all(teams.map(async (t) => [t, await getQuota(principal, t)] as const)));

  return (
    <>
      <PageHeader title="Admin" description="Teams ask for new limits with a reason; approving applies them at once, exactly once." />
      <AdminTabs current="approvals" pending={pending.length} />
      <Card labelledBy="approvals-pending" className="mb-4">
        <CardHeader id="approvals-pending" title={`Pending (${pending.length})`} description="Oldest first" />
        {pending.length === 0 ? (
          <EmptyState title="Nothing to decide">New requests from any team show up here, and as a count next to Admin in the navigation.</EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {pending.map((r) => {
              const q = usage.get(r.team);
              return (
                <li key={r.id} data-testid="approval" className="grid gap-4 px-4 py-4 lg:grid-cols-[minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1fr)]">
                  <div className="min-w-0 space-y-1 text-sm">
                    <p>
                      <Link href={`/teams/${r.team}`} className="font-mono font-medium text-blue-700 hover:underline dark:text-blue-400">
                        {r.team}
                      </Link>{" "}
                      <span className="text-zinc-600 dark:text-zinc-400">
                        · {r.requester} · <RelativeTime iso={r.createdAt} />
                      </span>
                      {r.requester === principal.email && (
                        <span className="ml-2">
                          <Badge tone="warning">Your own request</Badge>
                        </span>
                      )}
                    </p>
                    <blockquote className="whitespace-pre-line border-l-2 border-zinc-300 pl-3 text-zinc-800 dark:border-zinc-700 dark:text-zinc-200">{r.reason}</blockquote>
                    {q && <p className="text-xs text-zinc-600 dark:text-zinc-400">Uses now: {usedNow(q)}</p>}
                  </div>
                  <div>
                    <p className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">Limits now → asked for</p>
                    <LimitsChange current={r.current} requested={r.requested} />
                  </div>
                  <DecisionForm id={r.id} team={r.team} own={r.requester === principal.email} />
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      <Card labelledBy="approvals-decided">
        <CardHeader id="approvals-decided" title="Recently decided" description="The last 20 decisions" />
        <DataTable
          label="Decided quota requests"
          initialSort={{ key: "decided", dir: "desc" }}
          columns={[
            { key: "team", label: "Team", sortable: true, role: "title" },
            { key: "limits", label: "Limits before → asked for" },
            { key: "status", label: "Status", sortable: true, role: "state" },
            { key: "by", label: "Decided by", sortable: true },
            { key: "decided", label: "When", sortable: true },
            { key: "note", label: "Note" },
          ]}
          rows={decided.map((r) => ({
            id: r.id,
            values: { team: r.team, status: r.status, by: r.decidedBy, decided: r.decidedAt, note: r.note },
            cells: {
              team: <span className="font-mono text-xs">{r.team}</span>,
              // The limits the decision replaced: after an approval the team's limits now equal the request.
              limits: <LimitsChange current={r.limitsBefore} requested={r.requested} />,
              status: <StateBadge state={quotaStatusWord(r.status)} />,
              by: <span className="text-xs">{r.decidedBy ?? "—"}</span>,
              decided: <RelativeTime iso={r.decidedAt} />,
              note: r.note ? <span className="block max-w-64 whitespace-pre-line text-xs">{r.note}</span> : <span className="text-zinc-500 dark:text-zinc-400">—</span>,
            },
          }))}
          empty={<EmptyState title="No decisions yet" />}
        />
      </Card>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { LimitsChange, quotaStatusWord } from "@/components/quota/limits-change";
import { QuotaBars } from "@/components/quota/quota-bars";
import { QuotaRequestForm } from "@/components/quota/quota-request-form";
import { StateBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { ZQuotaRequestCreate, type TQuotaLimits } from "@/lib/protocol/api";
import { listQuotaRequests } from "@/lib/quota/requests";
import { getQuota } from "@/lib/teams/quota";
import { consoleContext } from "@/lib/ui/context";
import { formatMiB, formatNumber } from "@/lib/ui/format";
import { canDeploy } from "@/lib/ui/roles";

export const metadata: Metadata = { title: "Quota" };

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * `?addCpu=&addMemoryMiB=&addDiskGiB=&addSets=&reason=` pre-fill the request form: the amounts
 * are added to today's limits (the autoscaler's "needs 4 more cores" links here).
 */
function prefillFrom(q: Record<string, string | string[] | undefined>, limits: TQuotaLimits): { limits: TQuotaLimits; reason: string } | undefined {
  const one = (k: string) => (typeof q[k] === "string" ? (q[k] as string) : undefined);
  const add = (k: string) => {
    const n = Number(one(k) ?? 0);
    return Number.isFinite(n) && n > 0 ? n : 0;
  };
  const more = { cpu: add("addCpu"), memoryMiB: Math.ceil(add("addMemoryMiB")), diskGiB: Math.ceil(add("addDiskGiB")), sets: Math.ceil(add("addSets")) };
  const reason = (one("reason") ?? "").slice(0, 2000);
  if (!reason && !more.cpu && !more.memoryMiB && !more.diskGiB && !more.sets) return undefined;
  return {
    limits: {
      cpu: Math.round((limits.cpu + more.cpu) * 1000) / 1000,
      memoryMiB: limits.memoryMiB + more.memoryMiB,
      diskGiB: limits.diskGiB + more.diskGiB,
      sets: limits.sets + more.sets,
    },
    reason,
  };
}

/**
 * `?cpu=&memoryMiB=&diskGiB=&sets=&reason=` fill the request form in (an autoscale_blocked alert
 * links here with what its scale-out needs); anything malformed is ignored.
 */
function prefillOf(sp: Record<string, string | string[] | undefined>): { limits: TQuotaLimits; reason: string } | undefined {
  const parsed = ZQuotaRequestCreate.safeParse({
    cpu: Number(sp.cpu),
    memoryMiB: Number(sp.memoryMiB),
    diskGiB: Number(sp.diskGiB),
    sets: Number(sp.sets),
    reason: typeof sp.reason === "string" ? sp.reason : "",
  });
  if (!parsed.success) return undefined;
  const { reason, ...limits } = parsed.data;
  return { limits, reason };
}

export default async function QuotaPage({ searchParams }: TProps) {
  const [{ principal, team }, query] = await Promise.all([consoleContext(), searchParams]);
  if (!team) {
    return (
      <>
        <PageHeader title="Quota" />
        <Card>
          <EmptyState title="No team selected">
            {principal.isAdmin ? (
              <>
                Quota belongs to a team. <Link href="/teams" className="text-blue-700 underline dark:text-blue-400">Create a team</Link> to set one.
              </>
            ) : (
              "Quota belongs to a team, and you are not in one yet. Ask a team owner or a platform admin to add you."
            )}
          </EmptyState>
        </Card>
      </>
    );
  }
  const [quota, allRequests] = await Promise.all([getQuota(principal, team.slug), listQuotaRequests(principal)]);
  // Admins see every team's requests from the API; this page is about the selected team only.
  const requests = allRequests.filter((r) => r.team === team.slug);
  const canRequest = canDeploy(principal.isAdmin, team.role);
  const { used, limits } = quota;
  // An alert links with the limits to ask for, the autoscale card with what to add to today's.
  const prefill = prefillOf(query) ?? prefillFrom(query, limits);
  const rows = [
    { what: "CPU", used: used.cpu, limit: limits.cpu, show: (n: number) => `${formatNumber(n, 3)} cores` },
    { what: "Memory", used: used.memoryMiB, limit: limits.memoryMiB, show: formatMiB },
    { what: "Disk", used: used.diskGiB, limit: limits.diskGiB, show: (n: number) => `${formatNumber(n)} GiB` },
    { what: "Sets", used: used.sets, limit: limits.sets, show: (n: number) => formatNumber(n) },
  ];
  return (
    <>
      <PageHeader
        title="Quota"
        description={
          <>
            Hard limits of <span className="font-medium text-zinc-900 dark:text-zinc-100">{team.name}</span>{" "}
            <span className="font-mono text-xs">({team.slug})</span>. Every create, scale and resize reserves against them.
          </>
        }
      />
      <Card labelledBy="quota-usage" className="mb-4">
        <CardHeader id="quota-usage" title="Usage" description="Reserved by the team's live sets" />
        <CardBody>
          <QuotaBars quota={quota} />
        </CardBody>
      </Card>
      <Card labelledBy="quota-table">
        <CardHeader id="quota-table" title="Limits" />
        <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label="Quota limits and usage">
          <table className="w-full text-sm">
            <caption className="sr-only">Quota limits and usage</caption>
            <thead>
              <tr className="border-b border-zinc-200 text-left text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
                <th scope="col" className="px-4 py-2 font-medium">Resource</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Used</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Limit</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Free</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.what} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
                  <th scope="row" className="px-4 py-2 text-left font-medium">{r.what}</th>
                  <td className="px-4 py-2 text-right tabular-nums">{r.show(r.used)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{r.show(r.limit)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{r.show(Math.max(0, r.limit - r.used))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card labelledBy="quota-request" className="mt-4">
        <div id="request" className="scroll-mt-4" />
        <CardHeader
          id="quota-request"
          title="Request new limits"
          description="Ask for the limits the team should have (not the difference). A platform admin approves or rejects the request."
        />
        <CardBody>
          <QuotaRequestForm
            key={JSON.stringify([limits, prefill])}
            team={team.slug}
            limits={limits}
            prefill={prefill}
            disabledReason={canRequest ? undefined : "Viewers cannot request quota; ask a team member or owner"}
          />
        </CardBody>
      </Card>
      <Card labelledBy="quota-requests" className="mt-4">
        <CardHeader id="quota-requests" title={`Requests (${requests.length})`} description="Newest first. Pending requests show the limits today → the limits asked for." />
        <DataTable
          label="Quota requests"
          initialSort={{ key: "filed", dir: "desc" }}
          columns={[
            { key: "filed", label: "Filed", sortable: true, role: "title" },
            { key: "requester", label: "By", sortable: true },
            { key: "limits", label: "Limits asked for" },
            { key: "reason", label: "Reason" },
            { key: "status", label: "Status", sortable: true, role: "state" },
            { key: "decided", label: "Decided by", sortable: true },
            { key: "note", label: "Note" },
          ]}
          rows={requests.map((r) => ({
            id: r.id,
            values: { filed: r.createdAt, requester: r.requester, status: r.status, decided: r.decidedBy, reason: r.reason, note: r.note },
            cells: {
              filed: <RelativeTime iso={r.createdAt} />,
              requester: <span className="text-xs">{r.requester}</span>,
              // Only a pending request compares with today's limits; a decided one shows what was asked.
              limits: <LimitsChange current={r.status === "PENDING" ? r.current : r.limitsBefore} requested={r.requested} />,
              reason: <span className="block max-w-64 whitespace-pre-line text-xs">{r.reason}</span>,
              status: <StateBadge state={quotaStatusWord(r.status)} />,
              decided: r.decidedBy ? (
                <span className="text-xs">
                  {r.decidedBy}
                  <span className="block text-zinc-600 dark:text-zinc-400">
                    <RelativeTime iso={r.decidedAt} />
                  </span>
                </span>
              ) : (
                <span className="text-zinc-500 dark:text-zinc-400">—</span>
              ),
              note: r.note ? <span className="block max-w-56 whitespace-pre-line text-xs">{r.note}</span> : <span className="text-zinc-500 dark:text-zinc-400">—</span>,
            },
          }))}
          empty={<EmptyState title="No requests yet">When the team needs more room than its limits allow, ask for it above.</EmptyState>}
        />
      </Card>
    </>
  );
}

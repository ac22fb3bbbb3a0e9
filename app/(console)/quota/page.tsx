import type { Metadata } from "next";
import Link from "next/link";
import { QuotaBars } from "@/components/quota/quota-bars";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getQuota } from "@/lib/teams/quota";
import { consoleContext } from "@/lib/ui/context";
import { formatMiB, formatNumber } from "@/lib/ui/format";

export const metadata: Metadata = { title: "Quota" };

export default async function QuotaPage() {
  const { principal, team } = await consoleContext();
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
  const quota = await getQuota(principal, team.slug);
  const { used, limits } = quota;
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
        <div className="relative overflow-x-auto">
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
        <p className="border-t border-zinc-200 px-4 py-3 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          Need more? Asking for new limits (with a reason an admin approves) arrives with quota requests; until then, ask a platform admin.
        </p>
      </Card>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit/audit-table";
import { TeamFilter } from "@/components/audit/team-filter";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listAudit } from "@/lib/audit";
import { ZAuditQuery } from "@/lib/protocol/api";
import { consoleContext } from "@/lib/ui/context";
import { orNotFound } from "@/lib/ui/or-not-found";

export const metadata: Metadata = { title: "Audit log" };

const PAGE = 50;

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: TProps) {
  const { principal, teams } = await consoleContext();
  const sp = await searchParams;
  const parsed = ZAuditQuery.safeParse({
    ...(typeof sp.team === "string" && sp.team ? { team: sp.team } : {}),
    ...(typeof sp.before === "string" ? { before: sp.before } : {}),
    ...(typeof sp.beforeId === "string" ? { beforeId: sp.beforeId } : {}),
    limit: PAGE,
  });
  // A hand-edited URL with a bad cursor or slug falls back to the newest events of everything visible.
  const query = parsed.success ? parsed.data : { limit: PAGE };
  const events = await orNotFound(listAudit(principal, query));
  const last = events.at(-1);
  const olderHref = last && events.length === PAGE ? `/audit?${new URLSearchParams({ ...(query.team ? { team: query.team } : {}), before: last.at, beforeId: last.id })}` : null;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what, when. Every change to teams, members, users and tokens is recorded in the same transaction as the change."
      />
      <div className="mb-4">
        <TeamFilter teams={teams.map((t) => ({ slug: t.slug, name: t.name }))} selected={query.team ?? null} />
      </div>
      <Card labelledBy="audit-events">
        <CardHeader
          id="audit-events"
          title={query.team ? `Events in ${query.team}` : "All events you can see"}
          description={query.before ? "Older events" : "Newest first"}
        />
        {events.length ? (
          <AuditTable events={events} label="Audit events" />
        ) : (
          <EmptyState title="No events">
            {query.before ? "Nothing older than this." : "Changes to this team's members, quota and apps will show up here."}
          </EmptyState>
        )}
        {(olderHref || query.before) && (
          <div className="flex justify-end gap-2 border-t border-zinc-200 px-4 py-2 dark:border-zinc-800">
            {query.before && (
              <Link href={query.team ? `/audit?team=${encodeURIComponent(query.team)}` : "/audit"} className={buttonClass("secondary", "sm")}>
                Newest
              </Link>
            )}
            {olderHref && (
              <Link href={olderHref} className={buttonClass("secondary", "sm")}>
                Older events
              </Link>
            )}
          </div>
        )}
      </Card>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit/audit-table";
import { AuditFilters } from "@/components/audit/audit-filters";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listAudit } from "@/lib/audit";
import { ZAuditQuery } from "@/lib/protocol/api";
import { consoleContext } from "@/lib/ui/context";
import { exactTime } from "@/lib/ui/format";
import { orNotFound } from "@/lib/ui/or-not-found";

export const metadata: Metadata = { title: "Audit log" };

const PAGE = 50;

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: TProps) {
  const { principal, teams } = await consoleContext();
  const sp = await searchParams;
  const text = (key: string) => (typeof sp[key] === "string" && sp[key] ? { [key]: sp[key] } : {});
  const parsed = ZAuditQuery.safeParse({
    ...text("team"),
    ...text("action"),
    ...text("actor"),
    ...text("from"),
    ...text("to"),
    ...text("before"),
    ...text("beforeId"),
    limit: PAGE,
  });
  // A hand-edited URL with a bad cursor, slug or time falls back to the newest events of everything visible.
  const query = parsed.success ? parsed.data : { limit: PAGE };
  const events = await orNotFound(listAudit(principal, query));
  const last = events.at(-1);
  // The filters travel with the cursor, so "Older events" pages through the same narrowed log.
  const filters: Record<string, string> = {};
  for (const key of ["team", "action", "actor", "from", "to"] as const) {
    const v = query[key as keyof typeof query];
    if (typeof v === "string") filters[key] = v;
  }
  const filtered = Object.keys(filters).length > 0;
  const newestHref = filtered ? `/audit?${new URLSearchParams(filters)}` : "/audit";
  const olderHref = last && events.length === PAGE ? `/audit?${new URLSearchParams({ ...filters, before: last.at, beforeId: last.id })}` : null;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what, when. Every change to teams, members, users and tokens is recorded in the same transaction as the change."
      />
      <div className="mb-4">
        <AuditFilters
          teams={teams.map((t) => ({ slug: t.slug, name: t.name }))}
          selected={{ team: filters.team ?? null, action: filters.action ?? null, actor: filters.actor ?? null, from: filters.from ?? null, to: filters.to ?? null }}
        />
      </div>
      <Card labelledBy="audit-events">
        <CardHeader
          id="audit-events"
          title={filters.team ? `Events in ${filters.team}` : "All events you can see"}
          description={[
            query.before ? "Older events" : "Newest first",
            filters.action && `action ${filters.action}…`,
            filters.actor && `actor contains “${filters.actor}”`,
            filters.from && `from ${exactTime(filters.from)}`,
            filters.to && `before ${exactTime(filters.to)}`,
          ]
            .filter(Boolean)
            .join(" · ")}
        />
        {events.length ? (
          <AuditTable events={events} label="Audit events" />
        ) : (
          <EmptyState title="No events">
            {query.before ? "Nothing older than this." : filtered ? "No event matches these filters." : "Changes to this team's members, quota and apps will show up here."}
          </EmptyState>
        )}
        {(olderHref || query.before) && (
          <div className="flex justify-end gap-2 border-t border-zinc-200 px-4 py-2 dark:border-zinc-800">
            {query.before && (
              <Link href={newestHref} className={buttonClass("secondary", "sm")}>
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

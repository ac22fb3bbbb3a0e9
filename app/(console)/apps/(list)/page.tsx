import type { Metadata } from "next";
import Link from "next/link";
import { AppsTable } from "@/components/apps/apps-table";
import { BlockedButton } from "@/components/ui/blocked-button";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Notice } from "@/components/ui/error-banner";
import { PageHeader } from "@/components/ui/page-header";
import { listApps } from "@/lib/apps/view";
import { consoleContext } from "@/lib/ui/context";
import { canDeploy, VIEWER_REASON } from "@/lib/ui/roles";
import { summaryText } from "@/lib/ui/sets";

export const metadata: Metadata = { title: "Apps" };

function Explainer() {
  return (
    <p>
      An <strong>app</strong> is a template — a size (CPU cores, memory, disk) and a list of containers — plus a replica count. Each replica
      is a <strong>set</strong>: the template&apos;s containers running together on one host, sharing one network address and one volume.
      Scaling an app adds or removes sets; every set reserves against the team&apos;s quota.
    </p>
  );
}

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AppsPage({ searchParams }: TProps) {
  const { principal, team } = await consoleContext();
  const { deleted } = await searchParams;
  if (!team) {
    return (
      <>
        <PageHeader title="Apps" />
        <Card>
          <EmptyState title="No team selected">
            <Explainer />
            <p className="mt-2">Apps belong to a team, and you are not in one yet. Ask a team owner or a platform admin to add you.</p>
          </EmptyState>
        </Card>
      </>
    );
  }
  const apps = await listApps(principal, team.slug);
  const allowed = canDeploy(principal.isAdmin, team.role);
  const create = allowed ? (
    <Link href="/apps/new" className={buttonClass("primary")}>
      Create app
    </Link>
  ) : (
    <BlockedButton variant="primary" disabledReason={VIEWER_REASON}>
      Create app
    </BlockedButton>
  );
  const states = apps.flatMap((a) => a.sets.map((s) => s.state));
  return (
    <>
      <PageHeader
        title="Apps"
        description={
          <>
            Apps of <span className="font-medium text-zinc-900 dark:text-zinc-100">{team.name}</span>
            {apps.length > 0 && <> · {apps.length} {apps.length === 1 ? "app" : "apps"}, sets: {summaryText(states)}</>}
          </>
        }
        actions={create}
      />
      {typeof deleted === "string" && (
        <div className="mb-4">
          <Notice>
            App <span className="font-mono font-medium">{deleted}</span> deleted. Its sets are being removed from their hosts and its quota is
            released.
          </Notice>
        </div>
      )}
      <Card>
        {apps.length === 0 ? (
          <EmptyState title="No apps yet" action={create}>
            <Explainer />
            <p className="mt-2">Create one to run its first sets; the page follows them from Pending to Running.</p>
          </EmptyState>
        ) : (
          <AppsTable team={team.slug} initial={apps} />
        )}
      </Card>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { CreateAppForm } from "@/components/apps/create-app-form";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getQuota } from "@/lib/teams/quota";
import { consoleContext } from "@/lib/ui/context";
import { canDeploy, VIEWER_REASON } from "@/lib/ui/roles";

export const metadata: Metadata = { title: "Create app" };

export default async function NewAppPage() {
  const { principal, team } = await consoleContext();
  if (!team) {
    return (
      <>
        <PageHeader title="Create app" />
        <Card>
          <EmptyState title="No team selected">Apps belong to a team; pick one in the team switcher, or ask to be added to one.</EmptyState>
        </Card>
      </>
    );
  }
  const quota = await getQuota(principal, team.slug);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/apps" className="text-blue-700 hover:underline dark:text-blue-400">
          Apps
        </Link>
        <span aria-hidden className="mx-1.5 text-zinc-400">
          /
        </span>
        <span>New</span>
      </nav>
      <PageHeader
        title="Create app"
        description={
          <>
            In <span className="font-medium text-zinc-900 dark:text-zinc-100">{team.name}</span>. Each replica becomes a set of these containers
            on one host, with the size below reserved against the team&apos;s quota.
          </>
        }
      />
      <CreateAppForm team={team.slug} quota={quota} disabledReason={canDeploy(principal.isAdmin, team.role) ? undefined : VIEWER_REASON} />
    </>
  );
}

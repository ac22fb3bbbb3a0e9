import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { consoleContext } from "@/lib/ui/context";

export const metadata: Metadata = { title: "Apps" };

export default async function AppsPage() {
  const { team } = await consoleContext();
  return (
    <>
      <PageHeader title="Apps" description={team ? `Apps of ${team.name}` : undefined} />
      <Card>
        <EmptyState title="No apps yet">
          <p>
            An <strong>app</strong> is a template — a size (CPU cores, memory, disk) and a list of containers — plus a replica count. Each
            replica is a <strong>set</strong>: the containers of the template running together on one host, sharing one network address and
            one volume. Scaling an app adds or removes sets; every set reserves against the team&apos;s quota.
          </p>
          <p className="mt-2">Creating and running apps arrives with the scheduler and the host agent; this page lists them then.</p>
        </EmptyState>
      </Card>
    </>
  );
}

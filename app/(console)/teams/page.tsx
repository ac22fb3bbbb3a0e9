import type { Metadata } from "next";
import Link from "next/link";
import { CreateTeamForm } from "@/components/teams/create-team-form";
import { RoleBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { consoleContext } from "@/lib/ui/context";

export const metadata: Metadata = { title: "Teams" };

export default async function TeamsPage() {
  const { principal, teams } = await consoleContext();
  return (
    <>
      <PageHeader
        title="Teams"
        description={principal.isAdmin ? "Every team on this console." : "The teams you belong to."}
      />
      <Card labelledBy="teams-list">
        <CardHeader id="teams-list" title={`${teams.length} ${teams.length === 1 ? "team" : "teams"}`} />
        <DataTable
          label="Teams"
          initialSort={{ key: "slug", dir: "asc" }}
          columns={[
            { key: "slug", label: "Slug", sortable: true, role: "title" },
            { key: "name", label: "Name", sortable: true },
            { key: "role", label: "Your role", sortable: true },
            { key: "members", label: "Members", sortable: true, align: "right" },
          ]}
          rows={teams.map((t) => ({
            id: t.id,
            values: { slug: t.slug, name: t.name, role: t.role, members: t.memberCount },
            cells: {
              slug: (
                <Link href={`/teams/${t.slug}`} className="font-mono text-xs font-medium text-blue-700 hover:underline dark:text-blue-400">
                  {t.slug}
                </Link>
              ),
              name: t.name,
              role: t.role ? <RoleBadge role={t.role} /> : <span className="text-zinc-600 dark:text-zinc-400">Admin, not a member</span>,
              members: <span className="tabular-nums">{t.memberCount}</span>,
            },
          }))}
          empty={
            <EmptyState title="No teams yet">
              {principal.isAdmin
                ? "Create the first team below, then add its owner."
                : "You are not in any team. Ask a team owner or a platform admin to add you."}
            </EmptyState>
          }
        />
      </Card>
      {principal.isAdmin && (
        <Card labelledBy="team-create" className="mt-4">
          <CardHeader
            id="team-create"
            title="Create team"
            description="Admins only. The quota is a hard limit: every set the team creates reserves against it."
          />
          <CardBody>
            <CreateTeamForm />
          </CardBody>
        </Card>
      )}
    </>
  );
}

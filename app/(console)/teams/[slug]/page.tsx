import type { Metadata } from "next";
import Link from "next/link";
import { QuotaBars } from "@/components/quota/quota-bars";
import { AddMemberForm } from "@/components/teams/add-member-form";
import { InviteForm } from "@/components/teams/invite-form";
import { RevokeInvitationButton } from "@/components/teams/revoke-invitation-button";
import { MemberRoleSelect, RemoveMemberButton } from "@/components/teams/member-actions";
import { Badge, RoleBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Notice } from "@/components/ui/error-banner";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TInvite } from "@/lib/protocol/api";
import { listMembers } from "@/lib/teams/members";
import { listInvites } from "@/lib/users/account-links";
import { getQuota } from "@/lib/teams/quota";
import { getTeam } from "@/lib/teams/teams";
import { canManageTeam, consoleContext } from "@/lib/ui/context";
import { orNotFound } from "@/lib/ui/or-not-found";

type TProps = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  return { title: `Team ${(await params).slug}` };
}

const NOT_OWNER = "Only team owners and platform admins can change members";

export default async function TeamPage({ params }: TProps) {
  const { slug } = await params;
  const { principal } = await consoleContext();
  const [team, members, quota] = await orNotFound(
    Promise.all([getTeam(principal, slug), listMembers(principal, slug), getQuota(principal, slug)]),
  );
  const manage = canManageTeam(principal, team.role);
  const invitations: TInvite[] = manage ? await listInvites(principal, slug) : [];

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/teams" className="text-blue-700 underline underline-offset-2 dark:text-blue-400">
          Teams
        </Link>
        <span aria-hidden className="mx-1.5 text-zinc-400">/</span>
        <span className="font-mono text-xs">{team.slug}</span>
      </nav>
      <header className="mb-5 flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">{team.name}</h1>
        <span className="font-mono text-sm text-zinc-600 dark:text-zinc-400">{team.slug}</span>
        {team.role ? <RoleBadge role={team.role} /> : <Badge tone="warning" dot={false}>Admin view</Badge>}
      </header>

      <Card labelledBy="team-quota" className="mb-4">
        <CardHeader id="team-quota" title="Quota" description="Reserved by the team's sets, against its hard limits" />
        <CardBody>
          <QuotaBars quota={quota} />
        </CardBody>
      </Card>

      <Card labelledBy="team-members">
        <CardHeader id="team-members" title={`Members (${members.length})`} />
        <DataTable
          label={`Members of ${team.slug}`}
          initialSort={{ key: "email", dir: "asc" }}
          columns={[
            { key: "email", label: "Email", sortable: true, role: "title" },
            { key: "name", label: "Name", sortable: true },
            { key: "role", label: "Role", sortable: true },
            { key: "state", label: "State", sortable: true, role: "state" },
            { key: "since", label: "Member since", sortable: true },
            { key: "actions", label: "Actions", hideLabel: true, align: "right", role: "actions" },
          ]}
          rows={members.map((m) => ({
            id: m.userId,
            values: { email: m.email, name: m.name, role: m.role, state: m.disabled ? "Disabled" : "Active", since: m.createdAt },
            cells: {
              email: m.email,
              name: m.name || <span className="text-zinc-500 dark:text-zinc-400">—</span>,
              role: manage ? <MemberRoleSelect team={team.slug} userId={m.userId} email={m.email} role={m.role} /> : <RoleBadge role={m.role} />,
              state: m.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>,
              since: <RelativeTime iso={m.createdAt} />,
              actions: (
                <RemoveMemberButton team={team.slug} userId={m.userId} email={m.email} disabledReason={manage ? undefined : NOT_OWNER} />
              ),
            },
          }))}
          empty={
            <EmptyState title="No members yet">
              {manage ? "Add the team's first owner below." : "Ask a platform admin to add the team's owner."}
            </EmptyState>
          }
        />
      </Card>

      <Card labelledBy="team-invite" className="mt-4">
        <CardHeader
          id="team-invite"
          title="Invite"
          description="A one-use link for someone to join: they choose their own password, or use the account they have"
        />
        <CardBody>{manage ? <InviteForm team={team.slug} /> : <Notice>{NOT_OWNER}. Your role here is {team.role ?? "none"}.</Notice>}</CardBody>
        {manage && invitations.length > 0 && (
          <DataTable
            label={`Pending invitations to ${team.slug}`}
            initialSort={{ key: "email", dir: "asc" }}
            columns={[
              { key: "email", label: "Invited", sortable: true, role: "title" },
              { key: "role", label: "Role", sortable: true },
              { key: "by", label: "By", sortable: true },
              { key: "expires", label: "Expires", sortable: true },
              { key: "actions", label: "Actions", hideLabel: true, align: "right", role: "actions" },
            ]}
            rows={invitations.map((i) => ({
              id: i.id,
              values: { email: i.email, role: i.role, by: i.invitedBy ?? "", expires: i.expiresAt },
              cells: {
                email: i.email,
                role: <RoleBadge role={i.role} />,
                by: i.invitedBy ?? "—",
                expires: <RelativeTime iso={i.expiresAt} />,
                actions: <RevokeInvitationButton team={team.slug} id={i.id} email={i.email} />,
              },
            }))}
            empty={null}
          />
        )}
      </Card>

      <Card labelledBy="team-add" className="mt-4">
        <CardHeader id="team-add" title="Add member" description="Adds someone who already has an account on this console; their password stays theirs" />
        <CardBody>{manage ? <AddMemberForm team={team.slug} /> : <Notice>{NOT_OWNER}. Your role here is {team.role ?? "none"}.</Notice>}</CardBody>
      </Card>
    </>
  );
}

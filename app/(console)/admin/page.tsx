import type { Metadata } from "next";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { CreateUserForm } from "@/components/admin/create-user-form";
import { UserActions } from "@/components/admin/user-actions";
import { Badge, StateBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { listQuotaRequests } from "@/lib/quota/requests";
import { listUsers } from "@/lib/users/users";
import { requirePrincipal } from "@/lib/ui/session";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const principal = await requirePrincipal();
  if (!principal.isAdmin) {
    return (
      <>
        <PageHeader title="Admin" />
        <Card>
          <EmptyState title="Only platform admins can open this page">Ask a platform admin if you need a user enabled or promoted.</EmptyState>
        </Card>
      </>
    );
  }
  const [users, pending] = await Promise.all([listUsers(principal), listQuotaRequests(principal, "PENDING")]);
  return (
    <>
      <PageHeader title="Admin" description="Users of this console. Disabling a user or resetting their password signs them out and stops their API tokens at once." />
      <AdminTabs current="users" pending={pending.length} />
      <Card labelledBy="admin-users">
        <CardHeader id="admin-users" title={`Users (${users.length})`} />
        <DataTable
          label="Users"
          initialSort={{ key: "email", dir: "asc" }}
          columns={[
            { key: "email", label: "Email", sortable: true, role: "title" },
            { key: "name", label: "Name", sortable: true },
            { key: "admin", label: "Admin", sortable: true },
            { key: "state", label: "State", sortable: true, role: "state" },
            { key: "login", label: "Last login", sortable: true },
            { key: "actions", label: "Actions", hideLabel: true, align: "right", role: "actions" },
          ]}
          rows={users.map((u) => ({
            id: u.id,
            values: { email: u.email, name: u.name, admin: u.isAdmin ? "admin" : "", state: u.disabled ? "Disabled" : "Active", login: u.lastLoginAt },
            cells: {
              email: (
                <span>
                  {u.email}
                  {u.id === principal.userId && <span className="ml-1.5 text-xs text-zinc-600 dark:text-zinc-400">(you)</span>}
                </span>
              ),
              name: u.name || <span className="text-zinc-500 dark:text-zinc-400">—</span>,
              admin: u.isAdmin ? <Badge tone="warning" dot={false}>Admin</Badge> : <span className="text-zinc-500 dark:text-zinc-400">—</span>,
              state: <StateBadge state={u.disabled ? "Disabled" : "Active"} />,
              login: <RelativeTime iso={u.lastLoginAt} fallback="Never" />,
              actions: <UserActions id={u.id} email={u.email} disabled={u.disabled} isAdmin={u.isAdmin} isSelf={u.id === principal.userId} />,
            },
          }))}
          empty={<EmptyState title="No users">The first admin comes from BERTH_ADMIN_EMAIL at first start.</EmptyState>}
        />
      </Card>
      <Card labelledBy="admin-create-user" className="mt-4">
        <CardHeader id="admin-create-user" title="Create user" description="The person sets their own password through a one-use link; team owners can also invite by email from their team's page" />
        <CardBody>
          <CreateUserForm />
        </CardBody>
      </Card>
    </>
  );
}

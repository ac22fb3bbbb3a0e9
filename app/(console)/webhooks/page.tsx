import type { Metadata } from "next";
import { CreateWebhookForm } from "@/components/webhooks/create-webhook-form";
import { WebhookCard } from "@/components/webhooks/webhook-card";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listWebhooks } from "@/lib/alerts/webhooks/manage";
import type { TWebhook } from "@/lib/protocol/alerts";
import { canManageTeam, consoleContext } from "@/lib/ui/context";

export const metadata: Metadata = { title: "Webhooks" };

function Hooks({ id, title, description, base, hooks }: { id: string; title: string; description: string; base: string; hooks: TWebhook[] }) {
  return (
    <section aria-labelledby={id} className="space-y-4">
      <Card labelledBy={`${id}-add`}>
        <CardHeader id={`${id}-add`} title={title} description={description} />
        <CardBody>
          <CreateWebhookForm base={base} />
        </CardBody>
      </Card>
      <h2 id={id} className="text-sm font-semibold">
        {hooks.length} {hooks.length === 1 ? "webhook" : "webhooks"}
      </h2>
      {hooks.length === 0 ? (
        <Card>
          <EmptyState title="No webhooks yet">Add one above; Slack incoming webhooks work as they are.</EmptyState>
        </Card>
      ) : (
        hooks.map((h) => <WebhookCard key={h.id} base={base} hook={h} />)
      )}
    </section>
  );
}

export default async function WebhooksPage() {
  const { principal, team } = await consoleContext();
  const manage = team !== null && canManageTeam(principal, team.role);
  const [teamHooks, platformHooks] = await Promise.all([
    manage && team ? listWebhooks(principal, team.slug) : Promise.resolve([]),
    principal.isAdmin ? listWebhooks(principal, null) : Promise.resolve([]),
  ]);
  return (
    <div className="space-y-8">
      <PageHeader
        title="Webhooks"
        description="Alerts posted to your chat or incident tool as they fire and resolve: signed JSON, retried with backoff for up to an hour."
      />
      {team && manage ? (
        <Hooks
          id="team-hooks"
          title={`Add a webhook for ${team.name}`}
          description="It hears the team's alerts."
          base={`/api/v1/teams/${encodeURIComponent(team.slug)}/webhooks`}
          hooks={teamHooks}
        />
      ) : (
        <Card>
          <EmptyState title={team ? "Owners manage webhooks" : "No team selected"}>
            {team ? `Webhooks of ${team.name} are managed by its owners: their URLs are credentials. The Alerts page shows the team's alerts.` : "Webhooks belong to a team."}
          </EmptyState>
        </Card>
      )}
      {principal.isAdmin && (
        <Hooks id="platform-hooks" title="Add a platform webhook" description="Admins only: it hears every alert, the platform's (hosts) and every team's." base="/api/v1/webhooks" hooks={platformHooks} />
      )}
    </div>
  );
}

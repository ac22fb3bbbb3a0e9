import type { Metadata } from "next";
import { CreateTokenForm } from "@/components/tokens/create-token-form";
import { RevokeTokenButton } from "@/components/tokens/revoke-token-button";
import { StateBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { listTokens } from "@/lib/auth/api-tokens";
import { settings } from "@/lib/env";
import type { TTokenInfo } from "@/lib/protocol/api";
import { requirePrincipal } from "@/lib/ui/session";

export const metadata: Metadata = { title: "API tokens" };

function tokenState(t: TTokenInfo, now: number): "Active" | "Revoked" | "Expired" {
  if (t.revokedAt) return "Revoked";
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= now) return "Expired";
  return "Active";
}

export default async function TokensPage() {
  const principal = await requirePrincipal();
  const tokens = await listTokens(principal);
  const now = Date.now();
  const names = new Map(tokens.map((t) => [t.id, t.name]));
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens act as you in scripts, CI pipelines and the CLI: send them as Authorization: Bearer <token>."
      />
      <Card labelledBy="tokens-create" className="mb-4">
        <CardHeader id="tokens-create" title="Create token" description="The token is shown once; Berth keeps only its hash." />
        <CardBody>
          <CreateTokenForm defaultDays={settings().BERTH_TOKEN_DEFAULT_DAYS} maxDays={settings().BERTH_TOKEN_MAX_DAYS} />
        </CardBody>
      </Card>
      <Card labelledBy="tokens-list">
        <CardHeader id="tokens-list" title="Your tokens" />
        <DataTable
          label="Your API tokens"
          initialSort={{ key: "created", dir: "desc" }}
          columns={[
            { key: "name", label: "Name", sortable: true, role: "title" },
            { key: "prefix", label: "Prefix" },
            { key: "state", label: "State", sortable: true, role: "state" },
            { key: "created", label: "Created", sortable: true },
            { key: "expires", label: "Expires", sortable: true },
            { key: "used", label: "Last used", sortable: true },
            { key: "actions", label: "Actions", hideLabel: true, align: "right", role: "actions" },
          ]}
          rows={tokens.map((t) => {
            const state = tokenState(t, now);
            return {
              id: t.id,
              values: { name: t.name, prefix: t.prefix, state, created: t.createdAt, expires: t.expiresAt, used: t.lastUsedAt },
              cells: {
                name: (
                  <span>
                    <span className="font-medium">{t.name}</span>
                    {t.parentId && (
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400" data-testid="token-parent">
                        minted with {names.get(t.parentId) ?? "another token"}; ends with it
                      </span>
                    )}
                  </span>
                ),
                prefix: <span className="font-mono text-xs">{t.prefix}…</span>,
                state: <StateBadge state={state} />,
                created: <RelativeTime iso={t.createdAt} />,
                expires: <RelativeTime iso={t.expiresAt} fallback="Never" />,
                used: (
                  <span>
                    <RelativeTime iso={t.lastUsedAt} fallback="Never" />
                    {t.lastUsedIp && (
                      <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400" data-testid="token-last-ip" title="Address it was last used from">
                        {t.lastUsedIp}
                      </span>
                    )}
                  </span>
                ),
                actions: state === "Active" ? <RevokeTokenButton id={t.id} name={t.name} /> : null,
              },
            };
          })}
          empty={<EmptyState title="No tokens yet">Create one above for a script or a CI pipeline; it can do what you can do.</EmptyState>}
        />
      </Card>
    </>
  );
}

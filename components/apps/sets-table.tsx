"use client";

import type { TAppView } from "@/lib/protocol/apps";
import { Badge, ContainerStateBadge, StateBadge } from "../ui/badge";
import { SetName } from "../ui/copy-menu";
import { DataTable } from "../ui/data-table";
import { EmptyState } from "../ui/empty-state";

/** The image part after the repository, so a badge stays short; the full reference is its title. */
function shortImage(image: string): string {
  const slash = image.lastIndexOf("/");
  return slash >= 0 ? image.slice(slash + 1) : image;
}

/**
 * One row per set: where it runs, its address, its state with the reason, and each container's
 * state and image. Images the canary put in place are marked, so "which sets run what" reads at
 * a glance.
 */
export function SetsTable({ app }: { app: TAppView }) {
  const canary = app.canary;
  return (
    <DataTable
      label={`Sets of ${app.name}`}
      search
      facets={[
        { key: "state", label: "State" },
        { key: "host", label: "Host" },
      ]}
      columns={[
        { key: "id", label: "Set", sortable: true, role: "title" },
        { key: "state", label: "State", sortable: true, role: "state" },
        { key: "ip", label: "IP", sortable: true },
        { key: "containers", label: "Containers" },
        { key: "host", label: "Host", sortable: true },
      ]}
      rows={app.sets.map((s) => ({
        id: s.id,
        values: { id: s.name, host: s.host?.name ?? null, ip: s.ip, state: s.state },
        cells: {
          id: <SetName id={s.id} name={s.name} href={`/sets/${encodeURIComponent(s.id)}`} />,
          host: s.host ? (
            <span className="block">
              <span className="font-mono text-xs">{s.host.name}</span>
              {s.host.status === "Unreachable" && (
                <span className="block text-xs text-amber-800 dark:text-amber-300" data-testid="host-unreachable">
                  host unreachable: state last known
                </span>
              )}
              {s.host.status === "NotReady" && (
                <span className="block text-xs text-amber-800 dark:text-amber-300" data-testid="host-not-ready">
                  host&apos;s Docker engine not answering
                </span>
              )}
            </span>
          ) : (
            <span className="text-xs text-zinc-600 dark:text-zinc-400">not placed yet</span>
          ),
          ip: s.ip ? <code className="font-mono text-xs" data-testid="set-ip">{s.ip}</code> : <span className="text-zinc-500 dark:text-zinc-400">—</span>,
          state: (
            <div className="min-w-28" data-testid="set-state">
              <StateBadge state={s.state} />
              {s.reason && s.state !== "Running" && (
                <span className="mt-0.5 block max-w-56 whitespace-normal text-xs text-zinc-600 dark:text-zinc-400">{s.reason}</span>
              )}
            </div>
          ),
          containers: (
            <ul className="space-y-1">
              {s.containers.map((c) => {
                const isCanary = canary !== null && c.name === canary.container && c.image === canary.image;
                return (
                  // On a phone a long image name wraps inside its badge instead of pushing the card past the screen.
                  <li key={c.name} className="flex flex-wrap items-center gap-1.5 sm:flex-nowrap sm:whitespace-nowrap">
                    <span className="font-mono text-xs font-medium">{c.name}</span>
                    <ContainerStateBadge state={c.state} setState={s.state} />
                    <span title={c.image} data-testid="image-badge" className="min-w-0 max-w-full">
                      <Badge tone={isCanary ? "warning" : "neutral"} dot={false}>
                        <span className="font-mono max-sm:whitespace-normal max-sm:break-all">{shortImage(c.image)}</span>
                        {isCanary && <span className="ml-1 font-sans font-semibold">canary</span>}
                      </Badge>
                    </span>
                  </li>
                );
              })}
            </ul>
          ),
        },
      }))}
      empty={<EmptyState title="No sets">This app has 0 replicas. Scale it up to run a set.</EmptyState>}
    />
  );
}

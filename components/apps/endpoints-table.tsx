"use client";

import type { TAppView } from "@/lib/protocol/apps";
import { Badge } from "../ui/badge";
import { CopyButton } from "../ui/copy-button";
import { DataTable } from "../ui/data-table";

function Reachability({ reachable, protocol }: { reachable: boolean | null; protocol: string }) {
  if (protocol !== "tcp") return <Badge tone="neutral">not probed (UDP)</Badge>;
  if (reachable === null) return <Badge tone="neutral">checking…</Badge>;
  return reachable ? <Badge tone="success">Reachable</Badge> : <Badge tone="danger">Not answering</Badge>;
}

/**
 * Where the app answers: every set's published ports at its host's address, with the agent's
 * last TCP probe as a dot and word; unpublished ports reach only the team network by name.
 */
export function EndpointsTable({ app }: { app: TAppView }) {
  const internal = app.ports.filter((p) => !p.publish);
  return (
    <>
      <DataTable
        label={`Published endpoints of ${app.name}`}
        columns={[
          { key: "set", label: "Set", sortable: true, role: "title" },
          { key: "port", label: "Port" },
          { key: "address", label: "Reach it at", sortable: true },
          { key: "reachable", label: "Reachable", sortable: true, role: "state" },
        ]}
        rows={app.endpoints.map((e) => {
          const address = `${e.hostAddress ?? e.host ?? "?"}:${e.hostPort}`;
          return {
            id: `${e.setId}/${e.name}`,
            values: { set: e.set, address, reachable: e.reachable === null ? null : e.reachable ? 1 : 0 },
            cells: {
              set: <span className="font-mono text-xs">{e.set}</span>,
              port: (
                <span className="whitespace-nowrap font-mono text-xs">
                  {e.name} {e.port}/{e.protocol}
                </span>
              ),
              address: (
                <span className="flex items-center gap-1.5" data-testid="endpoint">
                  <code className="font-mono text-xs">{address}</code>
                  <CopyButton value={address} />
                </span>
              ),
              reachable: (
                <span data-testid="endpoint-reachable">
                  <Reachability reachable={e.reachable} protocol={e.protocol} />
                </span>
              ),
            },
          };
        })}
        empty={
          <p className="px-4 py-3 text-sm text-zinc-600 dark:text-zinc-400">
            {app.ports.some((p) => p.publish) ? "No set has a host yet." : "No port of this app is published."}
          </p>
        }
      />
      {internal.length > 0 && (
        <p className="border-t border-zinc-200 px-4 py-2 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          Inside the team network only:{" "}
          {internal.map((p, i) => (
            <span key={p.name}>
              {i > 0 && ", "}
              <code className="font-mono">
                {app.name}:{p.port}
              </code>{" "}
              ({p.name}/{p.protocol})
            </span>
          ))}
        </p>
      )}
    </>
  );
}

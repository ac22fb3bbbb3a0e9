"use client";

import Link from "next/link";
import { ZAppView, type TAppView } from "@/lib/protocol/apps";
import { countStates, sizeText, summaryText, TRANSIENT_STATES } from "@/lib/ui/sets";
import { useLive } from "../realtime/use-live";
import { DataTable } from "../ui/data-table";
import { RelativeTime } from "../ui/relative-time";
import { LiveStatus } from "./live-status";
import { CanaryBadge, SetStateSummary } from "./state-summary";

const ZAppList = ZAppView.array();

/** The team's apps, kept current by set events and polling. */
export function AppsTable({ team, initial }: { team: string; initial: TAppView[] }) {
  const live = useLive({
    initial,
    url: `/api/v1/teams/${encodeURIComponent(team)}/apps`,
    schema: ZAppList,
    // Any set event may be a set of an app on this list (or one just created elsewhere).
    relevant: () => true,
    busy: (apps) => apps.some((a) => a.sets.some((s) => TRANSIENT_STATES.has(s.state))),
  });
  const apps = live.data;
  return (
    <>
      <div className="flex justify-end border-b border-zinc-200 px-4 py-1.5 dark:border-zinc-800">
        <LiveStatus connected={live.connected} error={live.error} />
      </div>
      <DataTable
        label="Apps"
        search
        facets={[{ key: "worst", label: "Worst set state" }]}
        initialSort={{ key: "name", dir: "asc" }}
        columns={[
          { key: "name", label: "Name", sortable: true, role: "title" },
          { key: "state", label: "Sets", sortable: true, role: "state" },
          { key: "replicas", label: "Replicas", sortable: true, align: "right" },
          { key: "size", label: "Size per set", sortable: true },
          { key: "images", label: "Images" },
          { key: "created", label: "Created", sortable: true },
        ]}
        rows={apps.map((a) => {
          const states = a.sets.map((s) => s.state);
          // Sidecars often share an image; each image once reads faster.
          const images = [...new Set(a.containers.map((c) => c.image))];
          return {
            id: a.id,
            values: {
              name: a.name,
              state: summaryText(states),
              // The worst state any set is in, so "Failed" narrows the list to apps with a failed set.
              worst: countStates(states)[0]?.state ?? "No sets",
              replicas: a.replicas,
              size: a.size.cpu,
              images: images.join(" "),
              created: a.createdAt,
            },
            cells: {
              name: (
                <span className="inline-flex items-center gap-2">
                  <Link href={`/apps/${encodeURIComponent(a.name)}`} className="font-mono text-sm font-medium text-blue-700 hover:underline dark:text-blue-400">
                    {a.name}
                  </Link>
                  {a.canary && <CanaryBadge title={`${a.canary.container} → ${a.canary.image} in ${a.canary.setIds.length} set(s)`} />}
                </span>
              ),
              state: <SetStateSummary states={states} />,
              replicas: <span className="tabular-nums">{a.replicas}</span>,
              size: <span className="whitespace-nowrap tabular-nums">{sizeText(a.size)}</span>,
              images: (
                <span className="block max-w-72 truncate font-mono text-xs" title={a.containers.map((c) => `${c.name}: ${c.image}`).join("\n")}>
                  {images.join(", ")}
                </span>
              ),
              created: <RelativeTime iso={a.createdAt} />,
            },
          };
        })}
      />
    </>
  );
}

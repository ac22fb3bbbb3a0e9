import type { TSetView } from "@/lib/protocol/apps";
import { formatBytes, formatCores } from "@/lib/ui/format";
import { ContainerStateBadge } from "../ui/badge";
import { DataTable } from "../ui/data-table";
import { RelativeTime } from "../ui/relative-time";

const MUTED = "text-zinc-500 dark:text-zinc-400";

/**
 * A set's containers with their state, limits, writable layer and Docker id; on a phone each is a
 * card led by its state, so a stopped or exited container shows without scrolling sideways.
 */
export function SetContainersTable({ set }: { set: TSetView }) {
  return (
    <DataTable
      label="Containers of this set"
      search={false}
      columns={[
        { key: "index", label: "#" },
        { key: "name", label: "Name", role: "title" },
        { key: "image", label: "Image" },
        { key: "state", label: "State", role: "state" },
        { key: "cpu", label: "CPU limit", align: "right" },
        { key: "memory", label: "Memory limit", align: "right" },
        { key: "disk", label: "Writable layer", align: "right", title: "Size of the container's writable layer at the host's last disk scan" },
        { key: "docker", label: "Docker id" },
      ]}
      rows={set.containers.map((c) => ({
        id: c.name,
        values: { name: c.name },
        cells: {
          index: <span className={`tabular-nums ${MUTED}`}>{c.index}</span>,
          name: (
            <span className="block font-medium">
              {c.name}
              {c.oom.kills > 0 && (
                <span className="block whitespace-normal text-xs font-normal text-red-700 dark:text-red-400" data-testid="oom-kills" title={c.oom.lastCause ?? undefined}>
                  {c.oom.kills === 1 ? "1 process OOM-killed" : `${c.oom.kills} processes OOM-killed`}
                  {c.oom.lastAt && <>, last <RelativeTime iso={c.oom.lastAt} /></>}
                  {c.oom.lastCause && <span className="block text-zinc-600 dark:text-zinc-400">{c.oom.lastCause}</span>}
                </span>
              )}
            </span>
          ),
          // Wraps anywhere (at full width too): a long registry path must not push the limits and ids out of sight.
          image: <span className="whitespace-normal font-mono text-xs [overflow-wrap:anywhere]">{c.image}</span>,
          state: (
            <span data-testid="container-state">
              <ContainerStateBadge state={c.state} setState={set.state} />
            </span>
          ),
          cpu: <span className="tabular-nums">{formatCores(c.limits.cpu)}</span>,
          memory: <span className="tabular-nums">{formatBytes(c.limits.memoryBytes)}</span>,
          disk: (
            <span className="tabular-nums" data-testid="writable-layer">
              {c.diskBytes === null ? <span className={MUTED}>not measured yet</span> : formatBytes(c.diskBytes)}
            </span>
          ),
          docker: (
            <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400" title={c.dockerId ?? undefined}>
              {c.dockerId ? c.dockerId.slice(0, 12) : "–"}
            </span>
          ),
        },
      }))}
    />
  );
}

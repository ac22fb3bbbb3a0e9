"use client";

import type { TAppView } from "@/lib/protocol/apps";
import { formatMiB, formatNumber } from "@/lib/ui/format";
import { shellJoin } from "@/lib/ui/shell-quote";
import { DataTable } from "../ui/data-table";

/**
 * The containers every new set of the app starts with: shares of the set's size, the command as
 * it runs (shell-quoted) and only the names of env variables (values often hold credentials, and
 * this page is open on shared screens). On a phone each container is a card headed by its name.
 */
export function TemplateTable({ app }: { app: TAppView }) {
  return (
    <DataTable
      label="Containers of the template"
      search={false}
      columns={[
        { key: "index", label: "Index" },
        { key: "name", label: "Name", role: "title" },
        { key: "image", label: "Image" },
        { key: "cpu", label: "CPU" },
        { key: "memory", label: "Memory" },
        { key: "command", label: "Command" },
        { key: "env", label: "Env" },
      ]}
      rows={app.containers.map((c) => ({
        id: c.name,
        values: { name: c.name },
        cells: {
          index: <span className="tabular-nums">{c.index}</span>,
          name: <span className="font-mono text-xs font-medium">{c.name}</span>,
          // Wraps anywhere (at full width too): a long registry path must not push the limits and ids out of sight.
          image: <span className="whitespace-normal font-mono text-xs [overflow-wrap:anywhere]">{c.image}</span>,
          cpu: (
            <span className="whitespace-nowrap tabular-nums" title={`${c.cpu} % of the set's CPU`}>
              {c.cpu} % <span className="text-xs text-zinc-600 dark:text-zinc-400">({formatNumber((app.size.cpu * c.cpu) / 100, 3)} cores)</span>
            </span>
          ),
          memory: (
            <span className="whitespace-nowrap tabular-nums" title={`${c.memory} % of the set's memory`}>
              {c.memory} % <span className="text-xs text-zinc-600 dark:text-zinc-400">({formatMiB(Math.floor((app.size.memoryMiB * c.memory) / 100))})</span>
            </span>
          ),
          // Wraps at full width too (the one long cell), so the table fits instead of scrolling.
          command: c.command ? (
            <span className="block whitespace-normal font-mono text-xs sm:min-w-80" title={`As JSON: ${JSON.stringify(c.command)}`}>
              {shellJoin(c.command)}
            </span>
          ) : (
            <span className="text-zinc-500 dark:text-zinc-400">image default</span>
          ),
          env:
            c.env && Object.keys(c.env).length ? (
              <span className="block whitespace-normal font-mono text-xs">{Object.keys(c.env).join(", ")}</span>
            ) : (
              <span className="text-zinc-500 dark:text-zinc-400">—</span>
            ),
        },
      }))}
    />
  );
}

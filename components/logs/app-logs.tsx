"use client";

import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { LogViewer } from "./LogViewer";

/**
 * Every set's logs of an app, merged with a set/container column. Opened on demand: a followed
 * stream per container holds a stream slot and a Docker connection on each host, which a visit
 * to the app page should not cost.
 */
export function AppLogs({ team, app }: { team: string; app: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Card labelledBy="app-logs" className="mb-4">
      <CardHeader
        id="app-logs"
        title="Logs"
        description="Every container of every set, merged in time order"
        actions={
          <button
            type="button"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
            className="inline-flex h-8 items-center rounded-md border border-zinc-300 bg-white px-2.5 text-xs font-medium hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
          >
            {open ? "Hide logs" : "Show logs"}
          </button>
        }
      />
      {open && (
        <div className="p-4">
          <LogViewer app={{ team, name: app }} />
        </div>
      )}
    </Card>
  );
}

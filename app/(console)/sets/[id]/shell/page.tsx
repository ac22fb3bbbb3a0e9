import Link from "next/link";
import { LogViewer } from "@/components/logs/LogViewer";
import { SetTerminal } from "@/components/terminal/set-terminal";
import { getSet } from "@/lib/apps/view";
import { roleAtLeast } from "@/lib/auth/authorize";
import { consoleContext } from "@/lib/ui/context";
import { orNotFound } from "@/lib/ui/or-not-found";

// Reads the session and the set's live state on every request.
export const dynamic = "force-dynamic";

/**
 * Logs and terminal of one set's business containers. The set page's tabs embed the same two
 * components; this page exists so they can be checked on their own.
 */
export default async function SetShellPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ container?: string }> }) {
  const [{ id }, { container: asked }] = await Promise.all([params, searchParams]);
  const { principal, teams } = await consoleContext();
  const set = await orNotFound(getSet(principal, id));
  const names = set.containers.map((c) => c.name);
  const container = asked && names.includes(asked) ? asked : (names[0] ?? "");
  const role = teams.find((t) => t.slug === set.team)?.role ?? null;
  const canShell = principal.isAdmin || roleAtLeast(role, "MEMBER");
  const current = set.containers.find((c) => c.name === container);

  return (
    <main className="mx-auto flex max-w-7xl flex-col gap-6 px-6 py-6">
      <header className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h1 className="text-lg font-semibold">
          {set.app} <span className="font-mono text-sm font-normal text-zinc-500">{set.id}</span>
        </h1>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">
          team {set.team} · host {set.host?.name ?? "—"} · {set.state}
        </span>
      </header>

      <nav aria-label="Containers" className="flex flex-wrap gap-1 border-b border-zinc-200 dark:border-zinc-800">
        {set.containers.map((c) => (
          <Link
            key={c.name}
            href={`?container=${encodeURIComponent(c.name)}`}
            aria-current={c.name === container ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-1.5 font-mono text-sm ${
              c.name === container
                ? "border-blue-600 text-zinc-900 dark:text-zinc-100"
                : "border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"
            }`}
          >
            {c.name} <span className="text-xs text-zinc-500">({c.state})</span>
          </Link>
        ))}
      </nav>

      <div className="grid gap-6 xl:grid-cols-2">
        <div className="flex min-w-0 flex-col gap-2">
          <h2 className="text-sm font-semibold">Terminal · {container}</h2>
          <SetTerminal setId={set.id} container={container} state={current?.state} canShell={canShell} />
        </div>
        <div className="flex min-w-0 flex-col gap-2">
          <h2 className="text-sm font-semibold">Logs</h2>
          <LogViewer key={container} setId={set.id} containers={names} initialContainer={container} />
        </div>
      </div>
    </main>
  );
}

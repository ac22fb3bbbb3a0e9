import type { Metadata } from "next";
import Link from "next/link";
import { AlertBanner } from "@/components/alerts/alert-parts";
import { AlertsRefresh } from "@/components/alerts/alerts-refresh";
import { SetCharts } from "@/components/metrics/SetCharts";
import { CopyMenu } from "@/components/ui/copy-menu";
import { alertRows } from "@/lib/alerts/list";
import { RecoverSet } from "@/components/sets/recover-set";
import { SetBreadcrumb } from "@/components/sets/set-breadcrumb";
import { SetActions, SetActionStatus } from "@/components/sets/set-actions";
import { SetStateBadge } from "@/components/sets/set-state-badge";
import { SetLive } from "@/components/sets/set-live";
import { SetContainersTable } from "@/components/sets/set-containers-table";
import { viewedSet } from "@/lib/ui/set-page";
import { exactTime, formatBytes, formatCores, formatMiB } from "@/lib/ui/format";
import { isNotFound, orNotFound } from "@/lib/ui/or-not-found";
import { LogViewer } from "@/components/logs/LogViewer";
import { SetTerminal } from "@/components/terminal/set-terminal";
import { roleAtLeast } from "@/lib/auth/authorize";
import { consoleContext } from "@/lib/ui/context";

// Reads the session and live state on every request.
export const dynamic = "force-dynamic";

const TABS = [
  { id: "metrics", label: "Metrics" },
  { id: "logs", label: "Logs" },
  { id: "terminal", label: "Terminal" },
] as const;
type TTab = (typeof TABS)[number]["id"];

interface TProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ tab?: string | string[]; container?: string | string[] }>;
}

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  // The same read as the page's (cached per request); a set the caller cannot see gets no name.
  try {
    return { title: `Set ${(await viewedSet((await params).id)).name}` };
  } catch (err) {
    if (isNotFound(err)) return { title: "Set not found" };
    throw err;
  }
}

/** A set: is it healthy (state, reason), where it runs, its containers and limits, then its tabs. */
export default async function SetPage({ params, searchParams }: TProps) {
  const { principal, teams, team: selected } = await consoleContext();
  const { id } = await params;
  // Another team's set is "not found", exactly like a missing one (and like the API's 404).
  const set = await orNotFound(viewedSet(id));
  const query = await searchParams;
  const tab: TTab = TABS.find((t) => t.id === query.tab)?.id ?? "metrics";
  const names = set.containers.map((c) => c.name);
  const askedContainer = typeof query.container === "string" ? query.container : undefined;
  const container = askedContainer && names.includes(askedContainer) ? askedContainer : (names[0] ?? "");
  const current = set.containers.find((c) => c.name === container);
  const team = teams.find((t) => t.slug === set.team);
  const role = team?.role ?? null;
  const canShell = principal.isAdmin || roleAtLeast(role, "MEMBER");
  const alerts = await alertRows(principal, set.team, { state: "firing" }, { setId: set.id });

  return (
    <div className="space-y-6">
      <header className="space-y-3">
        <SetBreadcrumb team={{ slug: set.team, name: team?.name ?? set.team }} app={set.app} set={set.name} selectedTeam={selected?.slug ?? null} />
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-lg font-semibold tracking-tight" title={`Set ${set.id}`}>
            {set.name}
          </h1>
          <CopyMenu label={`name or id of ${set.name}`} items={[{ label: "Name", value: set.name }, { label: "Id", value: set.id }]} />
          <SetStateBadge setId={set.id} state={set.state} />
          <SetLive setId={set.id} />
          <div className="ml-auto">
            <SetActions
              setId={set.id}
              state={set.state}
              placed={set.host !== null}
              canChange={canShell}
              containers={set.containers.map((c) => ({ name: c.name, state: c.state }))}
            />
          </div>
        </div>
        <SetActionStatus setId={set.id} />
        <AlertsRefresh />
        <AlertBanner alerts={alerts} selectedTeam={selected?.slug ?? null} />
        {set.reason && set.state !== "Running" && (
          <p className="text-sm text-amber-800 dark:text-amber-300" role="status">
            {set.reason}
          </p>
        )}
        {principal.isAdmin && set.host && set.host.status !== "Ready" && set.state === "Pending" && (
          <RecoverSet setId={set.id} hostName={set.host.name} />
        )}
        {set.writableLayers.over && set.writableLayers.usedBytes !== null && (
          <p
            role="alert"
            data-testid="disk-share-over"
            className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
          >
            Its containers&apos; writable layers hold {formatBytes(set.writableLayers.usedBytes)}, over this set&apos;s share of{" "}
            {formatBytes(set.writableLayers.shareBytes)} of the host&apos;s disk. Files written outside{" "}
            {set.volume ? <span className="font-mono">{set.volume.path}</span> : "a volume"} fill the host&apos;s disk and are lost when a container is
            replaced.
          </p>
        )}
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3 lg:grid-cols-5">
          <Fact label="Host">
            {set.host ? (
              <>
                {set.host.name}
                {set.host.status === "Unreachable" && (
                  <span
                    className="block text-xs text-amber-800 dark:text-amber-300"
                    data-testid="host-unreachable"
                    title="The host's agent is not connected: the state shown is the last one it reported."
                  >
                    unreachable · last known state
                  </span>
                )}
                {set.host.status === "NotReady" && (
                  <span
                    className="block text-xs text-amber-800 dark:text-amber-300"
                    data-testid="host-not-ready"
                    title="The host's agent is connected but its Docker engine fails or does not answer: the state shown is the last one it reported."
                  >
                    not ready (Docker engine) · last known state
                  </span>
                )}
              </>
            ) : (
              <span className="text-zinc-500 dark:text-zinc-400">not placed yet</span>
            )}
          </Fact>
          <Fact label="IP">{set.ip ? <span className="font-mono">{set.ip}</span> : <span className="text-zinc-500 dark:text-zinc-400">none</span>}</Fact>
          <Fact label="Size">
            {formatCores(set.size.cpu)} · {formatMiB(set.size.memoryMiB)}
          </Fact>
          <Fact label="Volume">
            {set.volume ? (
              <span data-testid="set-volume">
                {set.volume.usedBytes === null ? "" : `${formatBytes(set.volume.usedBytes)} used of `}
                {set.volume.sizeGiB} GiB at <span className="font-mono">{set.volume.path}</span>
              </span>
            ) : (
              "none"
            )}
          </Fact>
          <Fact label="Created">
            <time dateTime={set.createdAt} title={exactTime(set.createdAt)}>
              {exactTime(set.createdAt)}
            </time>
          </Fact>
        </dl>
      </header>

      <section aria-labelledby="containers-heading">
        <h2 id="containers-heading" className="mb-2 text-sm font-semibold">
          Containers
        </h2>
        <div className="rounded-lg border border-zinc-200 dark:border-zinc-800">
          <SetContainersTable set={set} />
        </div>
      </section>

      <section>
        <nav aria-label="Set views" className="mb-4 flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
          {TABS.map((t) => (
            <Link
              key={t.id}
              href={`/sets/${set.id}?tab=${t.id}`}
              aria-current={tab === t.id ? "page" : undefined}
              className={`-mb-px border-b-2 px-3 py-2 text-sm ${
                tab === t.id
                  ? "border-zinc-900 font-medium text-zinc-900 dark:border-zinc-100 dark:text-zinc-100"
                  : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
              }`}
            >
              {t.label}
            </Link>
          ))}
        </nav>

        {tab === "metrics" && <SetCharts setId={set.id} containers={names} cpuLimits={Object.fromEntries(set.containers.map((c) => [c.name, c.limits.cpu]))} />}

        {tab === "logs" && <LogViewer key={container} setId={set.id} containers={names} initialContainer={container} />}

        {tab === "terminal" && (
          <div className="flex flex-col gap-3">
            <nav aria-label="Containers" className="flex flex-wrap gap-1">
              {set.containers.map((c) => (
                <Link
                  key={c.name}
                  href={`/sets/${set.id}?tab=terminal&container=${encodeURIComponent(c.name)}`}
                  aria-current={c.name === container ? "page" : undefined}
                  className={`rounded px-2 py-1 font-mono text-sm ${
                    c.name === container ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
                  }`}
                >
                  {c.name}
                </Link>
              ))}
            </nav>
            <SetTerminal setId={set.id} container={container} state={current?.state} canShell={canShell} />
          </div>
        )}
      </section>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="truncate">{children}</dd>
    </div>
  );
}



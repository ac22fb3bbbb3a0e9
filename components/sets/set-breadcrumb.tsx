import Link from "next/link";
import { TeamSelectingLink } from "../ui/team-selecting-link";

const LINK = "rounded text-blue-700 hover:underline dark:text-blue-400";

function Separator() {
  return (
    <span aria-hidden className="text-zinc-400 dark:text-zinc-500">
      /
    </span>
  );
}

/**
 * Team / app / set, the first two linked. The app page shows the switcher's team, so for a set of
 * another team the app crumb selects the set's team on the way (it would otherwise open a
 * same-named app of the other team, or nothing).
 */
export function SetBreadcrumb({ team, app, set, selectedTeam }: { team: { slug: string; name: string }; app: string; set: string; selectedTeam: string | null }) {
  const appHref = `/apps/${encodeURIComponent(app)}`;
  return (
    <nav aria-label="Breadcrumb" className="text-sm">
      <ol className="flex flex-wrap items-center gap-x-1.5 gap-y-1 text-zinc-600 dark:text-zinc-400">
        <li>
          <Link href={`/teams/${encodeURIComponent(team.slug)}`} className={LINK} title={`Team ${team.slug}`}>
            {team.name}
          </Link>
        </li>
        <li className="flex items-center gap-x-1.5">
          <Separator />
          {team.slug === selectedTeam ? (
            <Link href={appHref} className={`${LINK} font-mono text-xs`}>
              {app}
            </Link>
          ) : (
            <TeamSelectingLink href={appHref} team={team.slug} className={`${LINK} font-mono text-xs`}>
              {app}
            </TeamSelectingLink>
          )}
        </li>
        <li className="flex items-center gap-x-1.5">
          <Separator />
          <span aria-current="page" className="font-mono text-xs text-zinc-900 dark:text-zinc-100">
            {set}
          </span>
        </li>
      </ol>
    </nav>
  );
}

import Link from "next/link";
import type { THostSet } from "@/lib/hosts/sets";
import { StateBadge } from "../ui/badge";

/** A host's sets behind a disclosure: the row stays one line until someone asks what runs there. */
export function HostSets({ host, sets }: { host: string; sets: THostSet[] }) {
  if (sets.length === 0) return <span className="block text-xs text-zinc-600 dark:text-zinc-400">no sets</span>;
  return (
    <details className="group text-xs" data-testid="host-sets">
      <summary className="cursor-pointer text-blue-700 hover:underline dark:text-blue-400" aria-label={`${sets.length} ${sets.length === 1 ? "set" : "sets"} on ${host}`}>
        {sets.length} {sets.length === 1 ? "set" : "sets"}
      </summary>
      <ul className="mt-1 space-y-1">
        {sets.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center gap-1.5">
            <StateBadge state={s.state} />
            <Link href={`/sets/${encodeURIComponent(s.id)}`} title={`Set ${s.id}`} className="font-mono text-blue-700 hover:underline dark:text-blue-400">
              {s.name}
            </Link>
            <span className="font-mono text-zinc-600 dark:text-zinc-400">{s.team}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

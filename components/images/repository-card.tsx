import Link from "next/link";
import type { TImageRepositoryView } from "@/lib/protocol/images";
import { formatBytes } from "@/lib/ui/format";
import { Badge } from "../ui/badge";
import { Card, CardHeader } from "../ui/card";
import { DataTable } from "../ui/data-table";
import { RelativeTime } from "../ui/relative-time";
import { DeleteTag } from "./delete-tag";
import { Digest } from "./digest";

function UsedBy({ apps }: { apps: string[] }) {
  if (apps.length === 0) return <>not used by any app</>;
  return (
    <>
      used by{" "}
      {apps.map((a, i) => (
        <span key={a}>
          {i > 0 && ", "}
          <Link href={`/apps/${encodeURIComponent(a)}`} className="font-mono text-blue-700 hover:underline dark:text-blue-400">
            {a}
          </Link>
        </span>
      ))}
    </>
  );
}

/** One repository of the team: whether apps use it, what it stores, and its tags newest first. */
export function RepositoryCard({
  team,
  repository: r,
  deleteBlockedReason,
}: {
  team: string;
  repository: TImageRepositoryView;
  deleteBlockedReason?: string;
}) {
  // Injective, so `web.api` and `web-api` never share an id.
  const headingId = `repo-${r.repository.replace(/[^a-zA-Z0-9]/g, (ch) => `_${ch.charCodeAt(0)}`)}`;
  // Equal once rounded says nothing; only a difference worth a word is shown.
  const shared = formatBytes(r.sizeBytes) !== formatBytes(r.storedBytes);
  return (
    <Card labelledBy={headingId}>
      <CardHeader
        id={headingId}
        title={
          <span className="inline-flex flex-wrap items-center gap-2">
            <span className="break-all font-mono">{r.repository}</span>
            <Badge tone={r.usedBy.length > 0 ? "success" : "neutral"}>{r.usedBy.length > 0 ? "In use" : "Unused"}</Badge>
          </span>
        }
        description={
          <>
            {r.tags.length} {r.tags.length === 1 ? "tag" : "tags"} · {formatBytes(r.storedBytes)} stored
            {shared && <>, {formatBytes(r.sizeBytes)} if layers were not shared</>} · <UsedBy apps={r.usedBy} />
          </>
        }
      />
      <DataTable
        label={`Tags of ${r.repository}`}
        initialSort={{ key: "pushed", dir: "desc" }}
        columns={[
          { key: "tag", label: "Tag", sortable: true, role: "title" },
          { key: "digest", label: "Digest", sortable: true },
          { key: "size", label: "Size", sortable: true, align: "right" },
          { key: "pushed", label: "Pushed", sortable: true },
          { key: "by", label: "By", sortable: true },
          { key: "actions", label: "Actions", hideLabel: true, align: "right", role: "actions" },
        ]}
        rows={r.tags.map((t) => {
          // The registry deletes manifests, not tags: these go with this one.
          const sameDigest = r.tags.filter((o) => o.digest === t.digest && o.tag !== t.tag).map((o) => o.tag);
          return {
            id: t.tag,
            values: { tag: t.tag, digest: t.digest, size: t.sizeBytes, pushed: t.pushedAt, by: t.pushedBy },
            cells: {
              tag: (
                <span data-testid="image-tag" className="font-mono text-sm font-medium">
                  {t.tag}
                </span>
              ),
              digest: <Digest digest={t.digest} />,
              size: <span className="tabular-nums">{formatBytes(t.sizeBytes)}</span>,
              pushed: <RelativeTime iso={t.pushedAt} />,
              by: t.pushedBy ? (
                <span>{t.pushedBy}</span>
              ) : (
                // Tags found in the registry at start (pushed while the console was down) carry no pusher.
                <span className="text-zinc-500 dark:text-zinc-400" title="Found in the registry when the console started">
                  unknown
                </span>
              ),
              actions: (
                <DeleteTag team={team} repository={r.repository} name={r.name} tag={t.tag} digest={t.digest} alsoRemoved={sameDigest} disabledReason={deleteBlockedReason} />
              ),
            },
          };
        })}
      />
    </Card>
  );
}

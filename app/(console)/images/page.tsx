import type { Metadata } from "next";
import { AutoRefresh } from "@/components/auto-refresh";
import { PushPanel } from "@/components/images/push-panel";
import { RegistryUnavailable } from "@/components/images/registry-unavailable";
import { RepositoryCard } from "@/components/images/repository-card";
import { UploadPanel } from "@/components/images/upload-panel";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { settings } from "@/lib/env";
import { listTeamImages, registryView } from "@/lib/registry/images";
import { consoleContext } from "@/lib/ui/context";
import { formatBytes } from "@/lib/ui/format";
import { canDeploy } from "@/lib/ui/roles";

export const metadata: Metadata = { title: "Images" };

// The API refuses the same people; VIEWER_REASON talks about apps, this page about images.
const IMAGES_VIEWER_REASON = "Viewers can pull images but not push, upload or delete them; ask a team owner for the MEMBER role";
const NO_REGISTRY_REASON = "The registry is not running (see the notice at the top of the page)";

function Explainer() {
  return (
    <p>
      An <strong>image</strong> is what an app&apos;s containers run. Each team has its own namespace in Berth&apos;s registry; apps name an
      image as <code className="font-mono">team/repository:tag</code> and Berth pins the digest the tag points at when a set is created.
    </p>
  );
}

export default async function ImagesPage() {
  const { principal, team } = await consoleContext();
  if (!team) {
    return (
      <>
        <PageHeader title="Images" />
        <Card>
          <EmptyState title="No team selected">
            <Explainer />
            <p className="mt-2">Images belong to a team, and you are not in one yet. Ask a team owner or a platform admin to add you.</p>
          </EmptyState>
        </Card>
      </>
    );
  }
  const [registry, images] = await Promise.all([registryView(principal), listTeamImages(principal, team.slug)]);
  const member = canDeploy(principal.isAdmin, team.role);
  const blocked = !member ? IMAGES_VIEWER_REASON : !registry.available ? NO_REGISTRY_REASON : undefined;
  const tagCount = images.repositories.reduce((n, r) => n + r.tags.length, 0);
  const repoCount = images.repositories.length;

  return (
    <>
      <PageHeader
        title="Images"
        description={
          <>
            Images of <span className="font-medium text-zinc-900 dark:text-zinc-100">{team.name}</span> in Berth&apos;s registry
            {tagCount > 0 && (
              <>
                {" "}
                · {repoCount} {repoCount === 1 ? "repository" : "repositories"}, {tagCount} {tagCount === 1 ? "tag" : "tags"} ·{" "}
                <span data-testid="images-storage">
                  {formatBytes(images.storedBytes)} stored
                  {formatBytes(images.logicalBytes) !== formatBytes(images.storedBytes) && <>, {formatBytes(images.logicalBytes)} if layers were not shared</>}
                </span>
              </>
            )}
          </>
        }
      />
      {/* A push from the CLI lands in the catalog by the registry's notification; this page shows it without a reload. */}
      <AutoRefresh seconds={10} />
      {!registry.available && (
        <div className="mb-4">
          <RegistryUnavailable reason={registry.reason} />
        </div>
      )}
      <div className="space-y-4">
        {repoCount === 0 ? (
          <Card>
            <EmptyState
              title="No images yet"
              action={
                registry.available ? (
                  <a href="#push" className="text-sm font-medium text-blue-700 hover:underline dark:text-blue-400">
                    How to push one ↓
                  </a>
                ) : undefined
              }
            >
              <Explainer />
              <p className="mt-2">
                Push one from your machine with <code className="font-mono">docker push</code>, or upload a{" "}
                <code className="font-mono">docker save</code> tarball; the steps are below.
              </p>
            </EmptyState>
          </Card>
        ) : (
          images.repositories.map((r) => <RepositoryCard key={r.repository} team={team.slug} repository={r} deleteBlockedReason={blocked} />)
        )}
        {registry.available && registry.host && (
          <div className="grid gap-4 lg:grid-cols-2">
            <PushPanel host={registry.host} url={registry.url} team={team.slug} email={principal.email} blockedReason={member ? undefined : IMAGES_VIEWER_REASON} />
            <UploadPanel team={team.slug} maxBytes={settings().BERTH_IMAGE_UPLOAD_MAX_BYTES} blockedReason={blocked} />
          </div>
        )}
      </div>
    </>
  );
}

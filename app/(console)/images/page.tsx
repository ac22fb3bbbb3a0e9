import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { consoleContext } from "@/lib/ui/context";

export const metadata: Metadata = { title: "Images" };

export default async function ImagesPage() {
  const { team } = await consoleContext();
  return (
    <>
      <PageHeader title="Images" description={team ? `Images ${team.name} may run` : undefined} />
      <Card>
        <EmptyState title="No images yet">
          <p>
            An <strong>image</strong> is a Docker image a team may run, known to Berth by name, tag and digest. Apps pick their containers&apos;
            images from this list.
          </p>
          <p className="mt-2">Registering images arrives with apps; nothing is registered yet.</p>
        </EmptyState>
      </Card>
    </>
  );
}

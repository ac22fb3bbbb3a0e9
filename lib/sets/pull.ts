import { db } from "../db";
import { settings } from "../env";
import type { TImagePullProgress } from "../protocol/events";
import { callAgent } from "../realtime/gateway";
import { runnableImage } from "../registry/resolve";
import { markSet } from "./sync";

/**
 * Image pulls seen from the console: placed sets' hosts are told to start pulling at once, and
 * their progress becomes the reason of the sets waiting for it ("Pulling web:1: 12 MB of 48 MB"),
 * so a scale-out onto a host without the image is not a silent `Creating`.
 */

/** Tells each host the images its newly placed sets run; never fails the caller (the apply pulls anyway). Resolves once asked. */
export async function prePullPlaced(setIds: string[]): Promise<void> {
  if (setIds.length === 0 || settings().BERTH_PREPULL === "0") return;
  const rows = await db().container.findMany({
    where: { setId: { in: setIds }, set: { hostId: { not: null }, deletedAt: null } },
    select: { image: true, imageDigest: true, set: { select: { hostId: true } } },
  });
  const byHost = new Map<string, Set<string>>();
  for (const r of rows) {
    const hostId = r.set.hostId!;
    const images = byHost.get(hostId) ?? new Set<string>();
    images.add(runnableImage(r.image, r.imageDigest));
    byHost.set(hostId, images);
  }
  // Not awaited: the request goes out before the sets' applies on the same socket, and nobody waits for the answer.
  for (const [hostId, images] of byHost) {
    callAgent(hostId, "image:pull", { images: [...images] }).catch((err: unknown) => console.error(`[pull] host ${hostId} not asked to pre-pull: ${(err as Error).message}`));
  }
}

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

export function pullReason(image: string, p: Pick<TImagePullProgress, "doneBytes" | "totalBytes" | "finished">): string {
  if (p.finished) return p.totalBytes > 0 ? `pulled ${image} (${megabytes(p.totalBytes)}), creating containers` : `pulled ${image}, creating containers`;
  if (p.totalBytes <= 0) return `Pulling ${image}`;
  const percent = Math.min(100, Math.floor((p.doneBytes / p.totalBytes) * 100));
  return `Pulling ${image}: ${megabytes(p.doneBytes)} of ${megabytes(p.totalBytes)} (${percent} %)`;
}

/** Writes a host's pull progress into the reasons of its waiting sets (placed, not yet running) that run that image. */
export async function recordPullProgress(hostId: string, p: TImagePullProgress): Promise<number> {
  const rows = await db().container.findMany({
    where: { set: { hostId, deletedAt: null, state: { in: ["Pending", "Creating"] } } },
    select: { setId: true, image: true, imageDigest: true, set: { select: { state: true } } },
  });
  const waiting = new Map<string, { image: string; state: "Pending" | "Creating" }>();
  for (const r of rows) {
    if (runnableImage(r.image, r.imageDigest) !== p.image) continue;
    waiting.set(r.setId, { image: r.image, state: r.set.state === "Pending" ? "Pending" : "Creating" });
  }
  // The state stays what it is (the apply moves it); only the reason says where the pull is.
  for (const [setId, w] of waiting) await markSet(setId, w.state, pullReason(w.image, p), [w.state]);
  return waiting.size;
}

import { busyboxRootfs } from "../../lib/images/busybox";
import type { DockerEngine } from "./engine";

export const INFRA_REPO = "berth/infra";
export { busyboxRootfs };

/**
 * Makes sure `berth/infra:<version>` exists: present → done; else pull; else import a local
 * static BusyBox. Throws with every reason when all three fail.
 */
export async function ensureBusyboxImage(engine: DockerEngine, repo: string, tag: string): Promise<"present" | "pulled" | "built"> {
  const ref = `${repo}:${tag}`;
  if (await engine.hasImage(ref)) return "present";
  let pullError = "";
  try {
    await engine.pull(ref);
    return "pulled";
  } catch (err) {
    pullError = (err as Error).message;
  }
  try {
    await engine.importImage(busyboxRootfs(), repo, tag);
  } catch (err) {
    throw new Error(`Cannot provide ${ref}: pull failed (${pullError}); local build failed (${(err as Error).message})`);
  }
  if (!(await engine.hasImage(ref))) throw new Error(`Import of ${ref} reported success but the image is missing`);
  return "built";
}

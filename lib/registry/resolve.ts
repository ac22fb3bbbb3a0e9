import { settings } from "../env";
import { AppError } from "../errors";
import { resolveDigest } from "./client";
import { decideImage, parseReference, pinnedReference } from "./policy";
import { configuredRegistryHost, registryInfo } from "./runtime";

export interface TImageToPin {
  /** Where the reference came from in the request, for the field error (`containers.0.image`). */
  path: string;
  image: string;
}

/**
 * Checks each image against the team's image policy and resolves Berth-registry tags to the
 * digest they point at now: sets run that digest, so a tag pushed again later changes nothing
 * that runs. Without a registry the console runs images as the hosts have them (README: the
 * policy needs the registry), but a reference to any registry not allowed is still refused.
 */
export async function pinImages(teamSlug: string, images: TImageToPin[]): Promise<Map<string, string | null>> {
  const info = registryInfo();
  const extra = settings().BERTH_EXTRA_REGISTRIES;
  const pins = new Map<string, string | null>();
  const issues: Array<{ path: string; message: string }> = [];
  for (const { path, image } of images) {
    if (pins.has(image)) continue;
    if (!info.available) {
      const domain = parseReference(image).domain;
      if (domain && !extra.includes(domain)) issues.push({ path, message: `registry ${domain} is not allowed (an admin may allow it with BERTH_EXTRA_REGISTRIES)` });
      else pins.set(image, null);
      continue;
    }
    const decision = decideImage(image, { teamSlug, registryHost: info.host, extraRegistries: extra });
    if (decision.kind === "refused") {
      issues.push({ path, message: decision.message });
      continue;
    }
    if (decision.kind === "extra") {
      pins.set(image, null);
      continue;
    }
    const digest = decision.digest ?? (await resolveDigest(decision.repository, decision.tag));
    if (!digest) {
      issues.push({ path, message: `${decision.repository}:${decision.tag} is not in the registry: push it first (see the Images page)` });
      continue;
    }
    pins.set(image, digest);
  }
  if (issues.length) {
    const first = issues[0]!;
    throw new AppError("VALIDATION", `${first.path}: ${first.message}`, { issues });
  }
  return pins;
}

/** What the agent is told to run for a container: the pinned digest in Berth's registry, else the reference as given. */
export function runnableImage(image: string, digest: string | null): string {
  if (!digest) return image;
  return pinnedReference(configuredRegistryHost(), parseReference(image).path, digest);
}

import { z } from "zod";

/** Images in Berth's registry: what the API answers (lib/registry builds these). */
export const ZRegistryView = z.object({
  available: z.boolean(),
  reason: z.string().nullable(),
  url: z.string().nullable(),
  host: z.string().nullable(),
  embedded: z.boolean(),
  namespaces: z.array(z.object({ namespace: z.string(), pull: z.boolean(), push: z.boolean() })),
});
export type TRegistryView = z.infer<typeof ZRegistryView>;

export const ZRegistryToken = z.object({ token: z.string(), access_token: z.string(), expires_in: z.number(), issued_at: z.string() });

export const ZImageTag = z.object({
  tag: z.string(),
  digest: z.string(),
  sizeBytes: z.number(),
  pushedAt: z.string(),
  pushedBy: z.string().nullable(),
});
export const ZImageRepository = z.object({
  repository: z.string(),
  /** The repository below the team's namespace (`web` of `team-a/web`). */
  name: z.string(),
  tags: z.array(ZImageTag),
  usedBy: z.array(z.string()),
  sizeBytes: z.number(),
  /** Distinct layers of its tags: what it takes in the registry. */
  storedBytes: z.number(),
});
export type TImageRepositoryView = z.infer<typeof ZImageRepository>;
export const ZTeamImages = z.object({
  repositories: z.array(ZImageRepository),
  logicalBytes: z.number(),
  storedBytes: z.number(),
  registry: z.object({ host: z.string().nullable(), available: z.boolean() }),
});
export type TTeamImagesView = z.infer<typeof ZTeamImages>;
export const ZImageTagDeleted = z.object({ removedTags: z.array(z.string()), digest: z.string() });

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
/** A repository of the shared `library` namespace: every team may run it, no team owns it. */
export const ZLibraryRepository = ZImageRepository.pick({ repository: true, name: true, tags: true, sizeBytes: true });
export type TLibraryRepositoryView = z.infer<typeof ZLibraryRepository>;
/** `?include=library` adds the shared repositories, which image pickers offer next to the team's own. */
export const ZTeamImagesQuery = z.strictObject({ include: z.enum(["library"]).optional() });
export const ZTeamImages = z.object({
  repositories: z.array(ZImageRepository),
  logicalBytes: z.number(),
  storedBytes: z.number(),
  registry: z.object({ host: z.string().nullable(), available: z.boolean() }),
  /** Only with `?include=library`; not counted in the byte totals, which are the team's. */
  library: z.array(ZLibraryRepository).optional(),
});
export type TTeamImagesView = z.infer<typeof ZTeamImages>;
export const ZImageTagDeleted = z.object({ removedTags: z.array(z.string()), digest: z.string() });

// Docker's reference grammar: path components of lowercase alphanumerics joined by `.`, `_`, `__` or dashes.
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
export const MAX_REPOSITORY = 255;

export const ZImageUploadQuery = z
  .object({
    repository: z
      .string()
      .max(MAX_REPOSITORY)
      .regex(REPOSITORY, "must be lowercase path components (a-z, 0-9, separated by '.', '_', '__' or '-') joined by '/', e.g. web or web/api"),
    tag: z.string().regex(/^[\w][\w.-]{0,127}$/, "must be 1–128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"),
  })
  .strict();
export type TImageUploadQuery = z.infer<typeof ZImageUploadQuery>;

export const ZImageUploaded = z.object({ repository: z.string(), tag: z.string(), digest: z.string() });
export type TImageUploaded = z.infer<typeof ZImageUploaded>;

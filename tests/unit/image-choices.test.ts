import { describe, expect, it } from "vitest";
import { ZTeamImages, ZTeamImagesQuery, type TTeamImagesView } from "@/lib/protocol/images";
import { catalogOf } from "@/lib/ui/image-choices";

const tag = (name: string, digest: string, pushedAt: string) => ({ tag: name, digest, sizeBytes: 1024, pushedAt, pushedBy: null });

const view: TTeamImagesView = {
  repositories: [
    {
      repository: "shop/web",
      name: "web",
      tags: [tag("2", "sha256:bb", "2025-01-02T00:00:00.000Z"), tag("1", "sha256:aa", "2025-01-01T00:00:00.000Z")],
      usedBy: [],
      sizeBytes: 2048,
      storedBytes: 1024,
    },
  ],
  logicalBytes: 2048,
  storedBytes: 1024,
  registry: { host: "registry.test:5000", available: true },
  library: [{ repository: "library/busybox", name: "busybox", tags: [tag("1", "sha256:cc", "2024-12-01T00:00:00.000Z")], sizeBytes: 1024 }],
};

describe("the image choices a field offers", () => {
  it("lists the team's tags first, as apps write them, then the shared library's", () => {
    const catalog = catalogOf(view);
    expect(catalog.kind).toBe("ready");
    if (catalog.kind !== "ready") return;
    expect(catalog.choices.map((c) => [c.reference, c.library])).toEqual([
      ["shop/web:2", false],
      ["shop/web:1", false],
      ["library/busybox:1", true],
    ]);
    expect(catalog.teamTags).toBe(2);
  });

  it("offers library images to a team with none of its own, and nothing while the registry is down", () => {
    const libraryOnly = catalogOf({ ...view, repositories: [] });
    expect(libraryOnly).toMatchObject({ kind: "ready", teamTags: 0 });
    expect(catalogOf({ ...view, registry: { host: null, available: false } })).toEqual({ kind: "no-registry" });
    // An answer without ?include=library (or from an older console) still reads.
    expect(catalogOf(ZTeamImages.parse({ ...view, library: undefined }))).toMatchObject({ kind: "ready", teamTags: 2 });
  });

  it("asks for the library only by the one known value", () => {
    expect(ZTeamImagesQuery.safeParse({ include: "library" }).success).toBe(true);
    expect(ZTeamImagesQuery.safeParse({}).success).toBe(true);
    expect(ZTeamImagesQuery.safeParse({ include: "everything" }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { matchItems, paletteItems, type TPaletteItem } from "@/components/shell/palette-items";
import { NAV_ITEMS } from "@/components/shell/nav-items";

const item = (group: TPaletteItem["group"], label: string, hint = ""): TPaletteItem => ({ key: `${group}:${label}`, group, label, hint, href: `/${label}` });

describe("command palette items", () => {
  it("lists admin-only pages to admins only", () => {
    const labels = (isAdmin: boolean) => paletteItems(NAV_ITEMS, isAdmin, [], []).map((i) => i.label);
    expect(labels(false)).not.toContain("Hosts");
    expect(labels(false)).not.toContain("Approvals");
    expect(labels(true)).toEqual(expect.arrayContaining(["Hosts", "Approvals", "Admin", "Create app"]));
  });

  it("keeps items holding every typed word, labels starting with the query first", () => {
    const items = [item("Set", "web-10", "Running"), item("App", "web"), item("Set", "api-0", "Failed · web"), item("Page", "Audit", "/audit")];
    expect(matchItems(items, "web").map((i) => i.label)).toEqual(["web", "web-10", "api-0"]);
    expect(matchItems(items, "web set").map((i) => i.label)).toEqual(["web-10", "api-0"]);
    expect(matchItems(items, "failed").map((i) => i.label)).toEqual(["api-0"]);
    expect(matchItems(items, "nothing")).toEqual([]);
    expect(matchItems(items, "  ")).toEqual(items);
    expect(matchItems(items, "", 2)).toHaveLength(2);
  });
});

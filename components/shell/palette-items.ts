import type { TAppView } from "@/lib/protocol/apps";
import type { THost } from "@/lib/protocol/api";
import type { TNavItem } from "./nav-items";

export interface TPaletteItem {
  key: string;
  group: "Page" | "App" | "Set" | "Host";
  label: string;
  hint: string;
  href: string;
}

/** Pages beyond the nav that people jump to by name. */
const EXTRA_PAGES: TNavItem[] = [
  { href: "/apps/new", label: "Create app" },
  { href: "/account", label: "Account and password" },
  { href: "/admin/approvals", label: "Approvals", adminOnly: true },
];

export function paletteItems(nav: TNavItem[], isAdmin: boolean, apps: TAppView[], hosts: THost[]): TPaletteItem[] {
  const pages = [...nav, ...EXTRA_PAGES]
    .filter((p) => !p.adminOnly || isAdmin)
    .map((p): TPaletteItem => ({ key: `page:${p.href}`, group: "Page", label: p.label, hint: p.href, href: p.href }));
  const appItems = apps.map((a): TPaletteItem => ({
    key: `app:${a.id}`,
    group: "App",
    label: a.name,
    hint: `${a.replicas} ${a.replicas === 1 ? "replica" : "replicas"}`,
    href: `/apps/${encodeURIComponent(a.name)}`,
  }));
  const setItems = apps.flatMap((a) =>
    a.sets.map((s): TPaletteItem => ({ key: `set:${s.id}`, group: "Set", label: s.name, hint: `${s.state} · ${s.id}`, href: `/sets/${encodeURIComponent(s.id)}` })),
  );
  const hostItems = hosts.map((h): TPaletteItem => ({
    key: `host:${h.id}`,
    group: "Host",
    label: h.name,
    hint: `${h.status} · ${h.zone}`,
    href: `/hosts?q=${encodeURIComponent(h.name)}`,
  }));
  return [...pages, ...appItems, ...setItems, ...hostItems];
}

/**
 * Items whose label (or, second, hint) holds every typed word, labels that start with the query
 * first; an empty query lists everything in its group order.
 */
export function matchItems(items: TPaletteItem[], query: string, max = 50): TPaletteItem[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items.slice(0, max);
  const scored: { item: TPaletteItem; score: number }[] = [];
  for (const item of items) {
    const label = item.label.toLowerCase();
    const text = `${label} ${item.group.toLowerCase()} ${item.hint.toLowerCase()}`;
    if (!words.every((w) => text.includes(w))) continue;
    const score = label === words.join(" ") ? 0 : label.startsWith(words[0]) ? 1 : label.includes(words[0]) ? 2 : 3;
    scored.push({ item, score });
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, max)
    .map((s) => s.item);
}

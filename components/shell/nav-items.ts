export interface TNavItem {
  href: string;
  label: string;
  /** Hidden from everyone else: the page only tells them it is for platform admins. */
  adminOnly?: boolean;
}

export const NAV_ITEMS: TNavItem[] = [
  { href: "/", label: "Dashboard" },
  { href: "/alerts", label: "Alerts" },
  { href: "/apps", label: "Apps" },
  { href: "/hosts", label: "Hosts", adminOnly: true },
  { href: "/images", label: "Images" },
  { href: "/quota", label: "Quota" },
  { href: "/audit", label: "Audit" },
  { href: "/tokens", label: "Tokens" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/teams", label: "Teams" },
  { href: "/admin", label: "Admin", adminOnly: true },
];

export function isActive(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

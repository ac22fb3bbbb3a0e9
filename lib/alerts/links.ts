/** Where the console shows an alert's object (sets by id; apps are pages of the selected team). */
export function alertLink(a: { objectKind: string; objectName: string; setId: string | null; appId?: string | null }): string {
  switch (a.objectKind) {
    case "container":
    case "set":
      return a.setId ? `/sets/${a.setId}` : "/alerts";
    case "app":
      return `/apps/${encodeURIComponent(a.objectName)}`;
    case "host":
      return "/hosts";
    case "team":
      return "/quota";
    default:
      return "/alerts";
  }
}

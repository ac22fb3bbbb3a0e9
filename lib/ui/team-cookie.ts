/** The team the console shows; set by the switcher in the browser, read by server components. */
export const TEAM_COOKIE = "berth_team";

/**
 * `document.cookie` assignment that selects `slug`: a year-long, same-site cookie. It only picks
 * what to show, it grants nothing.
 */
export function teamCookie(slug: string): string {
  return `${TEAM_COOKIE}=${encodeURIComponent(slug)}; path=/; max-age=31536000; samesite=lax`;
}

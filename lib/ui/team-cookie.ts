/** The team the console shows; set by the switcher in the browser, read by server components. */
export const TEAM_COOKIE = "berth_team";

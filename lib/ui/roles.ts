/** Who may change what, as the console shows it; the API enforces the same rules on its own. */

export type TRoleOrNull = "OWNER" | "MEMBER" | "VIEWER" | null;

/** Members and owners deploy, scale, resize and delete; admins act in every team. */
export function canDeploy(isAdmin: boolean, role: TRoleOrNull): boolean {
  return isAdmin || role === "OWNER" || role === "MEMBER";
}

export const VIEWER_REASON = "Viewers can look but not change apps; ask a team owner for the MEMBER role";

import { loadSetFor } from "../apps/view";
import type { TPrincipal } from "../auth/principal";
import { db } from "../db";
import { AppError } from "../errors";

export interface TContainerTarget {
  setId: string;
  teamId: string;
  appName: string;
  hostId: string;
  container: string;
}

/**
 * The one refusal for a container the caller may not reach: another team's set, a missing set,
 * a missing container and the infra container all read the same, so nothing about them leaks.
 */
export const containerNotFound = () => new AppError("NOT_FOUND", "Container not found");

/**
 * Authorizes access to a business container of a set: a member of the set's team with at least
 * `min` (admins pass). The infra container is not a row of the set's containers, so it is never
 * found here; the agent refuses it again by label.
 */
export async function authorizeContainer(p: TPrincipal, setId: string, container: string, min: "VIEWER" | "MEMBER"): Promise<TContainerTarget> {
  let set: Awaited<ReturnType<typeof loadSetFor>>;
  try {
    set = await loadSetFor(p, setId, min);
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") throw containerNotFound();
    throw err;
  }
  if (!set.containers.some((c) => c.name === container)) throw containerNotFound();
  if (!set.host) throw new AppError("CONFLICT", "The set is not placed on a host yet");
  return { setId: set.id, teamId: set.teamId, appName: set.app.name, hostId: set.host.id, container };
}

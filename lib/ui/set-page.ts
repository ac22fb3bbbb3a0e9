import "server-only";
import { cache } from "react";
import { getSet } from "../apps/view";
import type { TSetView } from "../protocol/apps";
import { consoleContext } from "./context";

/**
 * The set /sets/[id] shows, read once per request: the tab title and the page ask for the same
 * set, and both get the caller's view of it (another team's set is NOT_FOUND for both).
 */
export const viewedSet = cache(async (id: string): Promise<TSetView> => {
  const { principal } = await consoleContext();
  return getSet(principal, id);
});

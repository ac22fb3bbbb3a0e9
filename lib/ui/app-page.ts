import "server-only";
import { cache } from "react";
import { getApp } from "../apps/view";
import type { TAppView } from "../protocol/apps";
import { consoleContext } from "./context";
import { orNotFound } from "./or-not-found";

/**
 * The app /apps/[name] shows, in the selected team (null without one), read once per request:
 * its layout asks first, above the loading boundary, so that a missing app is known before the
 * page streams and still answers 404; the page then gets the same answer.
 */
export const selectedTeamApp = cache(async (name: string): Promise<TAppView | null> => {
  const { principal, team } = await consoleContext();
  return team ? orNotFound(getApp(principal, team.slug, name)) : null;
});

"use client";

import { z } from "zod";
import { ApiError } from "./api-fetch";

const ZIssues = z.array(z.object({ path: z.string(), message: z.string() }));

/**
 * Field problems from a refused request, keyed by the API's path ("containers.0.image"), so a
 * form can put each next to its field. A 409 that names a field (a taken name) counts too.
 */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  const issues = ZIssues.safeParse(err.details?.issues);
  if (issues.success) {
    // The first complaint per field is the one to fix first; zod lists the rest after it.
    for (const i of issues.data) out[i.path || "body"] ??= i.message;
  }
  const field = err.details?.field;
  if (typeof field === "string") out[field] ??= err.message;
  return out;
}

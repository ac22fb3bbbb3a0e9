import type { ReactNode } from "react";

/**
 * A field's hint, or the complaint about its value in its place. Field renders the hint as the
 * input's description, so a screen reader reads the error with the field.
 */
export function hintOrError(error: string | undefined, hint?: ReactNode): ReactNode {
  if (error) return <span className="font-medium text-red-700 dark:text-red-300">{error}</span>;
  return hint;
}

"use client";

import { useSyncExternalStore, type ReactNode } from "react";
import { Button } from "./button";

const noop = () => () => {};

/**
 * A form's submit button, disabled until React has hydrated the form. Before that a click would
 * submit the form natively (a GET that puts the fields, passwords included, into the URL) instead
 * of running the form's handler.
 */
export function SubmitButton({ pending, pendingLabel, children, className }: { pending: boolean; pendingLabel: string; children: ReactNode; className?: string }) {
  const hydrated = useSyncExternalStore(noop, () => true, () => false);
  return (
    <Button type="submit" variant="primary" className={className} disabled={!hydrated || pending}>
      {pending ? pendingLabel : children}
    </Button>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * Runs one mutation at a time for a form or button: tracks pending, keeps the server's error
 * message for display, and re-reads the server components once the change landed. Pages that
 * keep their own live copy of the data (and a delete that navigates away, where re-reading the
 * gone object would flash a 404) pass `{ refresh: false }`.
 */
export function useApiAction({ refresh = true }: { refresh?: boolean } = {}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The failure itself, for forms that place field errors (details.issues) next to their fields.
  const [failure, setFailure] = useState<unknown>(null);

  async function run<T>(action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    setPending(true);
    setError(null);
    setFailure(null);
    try {
      const value = await action();
      if (refresh) router.refresh();
      return { ok: true, value };
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setFailure(err);
      return { ok: false };
    } finally {
      setPending(false);
    }
  }

  return {
    run,
    pending,
    error,
    failure,
    clearError: () => {
      setError(null);
      setFailure(null);
    },
  };
}

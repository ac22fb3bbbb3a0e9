"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * Runs one mutation at a time for a form or button: tracks pending, keeps the server's error
 * message for display, and re-reads the server components once the change landed.
 */
export function useApiAction() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run<T>(action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    setPending(true);
    setError(null);
    try {
      const value = await action();
      router.refresh();
      return { ok: true, value };
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return { ok: false };
    } finally {
      setPending(false);
    }
  }

  return { run, pending, error, clearError: () => setError(null) };
}

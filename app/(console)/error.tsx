"use client";

import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { ErrorBanner } from "@/components/ui/error-banner";

/** A page that failed to load says so in words, keeps the navigation, and offers a retry. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error("console page failed", error);
  }, [error]);
  return (
    <div className="max-w-xl space-y-3">
      <ErrorBanner title="This page could not be loaded">
        <p>{error.message || "The console hit an internal error."}</p>
        {error.digest && <p className="mt-1 font-mono text-xs">Reference: {error.digest} (search the console log for it)</p>}
      </ErrorBanner>
      <Button onClick={reset}>Try again</Button>
    </div>
  );
}

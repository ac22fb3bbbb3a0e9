"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useAlertEvents } from "./use-alert-events";

/** Re-renders the page's server components when one of the viewer's alerts fires or resolves. */
export function AlertsRefresh() {
  const router = useRouter();
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useAlertEvents(() => {
    clearTimeout(debounce.current);
    debounce.current = setTimeout(() => router.refresh(), 200);
  });
  useEffect(() => () => clearTimeout(debounce.current), []);
  return null;
}

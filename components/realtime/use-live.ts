"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { z } from "zod";
import { ApiError, apiFetch } from "../api-fetch";
import { useSetEvents, type TSetStateEvent } from "./use-set-events";

interface TLiveOptions<S extends z.ZodType> {
  /** What the server component rendered; a newer render (router.refresh) replaces the live copy. */
  initial: z.output<S>;
  url: string;
  schema: S;
  /** Whether a set:state event concerns this data (then it is re-read at once). */
  relevant: (e: TSetStateEvent, data: z.output<S>) => boolean;
  /** While true the data is re-read every 2 s, else every 5 s. */
  busy: (data: z.output<S>) => boolean;
}

export interface TLive<T> {
  data: T;
  /** Replace the data with what a mutation answered, without waiting for the next read. */
  setData: (next: T) => void;
  refresh: () => Promise<void>;
  /** Socket up; when down, polling alone keeps the page current. */
  connected: boolean;
  /** The last read failed: the page shows data that may be old. */
  error: ApiError | null;
}

/**
 * Data that stays current: socket events trigger an immediate re-read, and a poll catches what
 * events cannot (admins outside the team get no team events; a dropped socket misses some).
 * Reads go through the same API a script would use, so the page never shows a state the API
 * would not.
 */
export function useLive<S extends z.ZodType>({ initial, url, schema, relevant, busy }: TLiveOptions<S>): TLive<z.output<S>> {
  const [data, setData] = useState<z.output<S>>(initial);
  const [seenInitial, setSeenInitial] = useState(initial);
  const [error, setError] = useState<ApiError | null>(null);
  if (seenInitial !== initial) {
    setSeenInitial(initial);
    setData(initial);
  }
  const dataRef = useRef(data);
  useEffect(() => {
    dataRef.current = data;
  });

  const refresh = useCallback(async () => {
    try {
      const next = await apiFetch(url, { schema });
      setData(next);
      setError(null);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else {
        console.error("live read failed", err);
        setError(new ApiError(0, "CLIENT", err instanceof Error ? err.message : String(err)));
      }
    }
  }, [url, schema]);

  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const connected = useSetEvents((e) => {
    if (!relevant(e, dataRef.current)) return;
    // A set going Creating → Running fires several events in a burst: one read covers them.
    clearTimeout(debounce.current);
    debounce.current = setTimeout(() => void refresh(), 200);
  });
  useEffect(() => () => clearTimeout(debounce.current), []);

  const fast = busy(data);
  useEffect(() => {
    const timer = setInterval(() => {
      // A background tab does not need to poll; it reads again when it is shown.
      if (document.visibilityState === "visible") void refresh();
    }, fast ? 2000 : 5000);
    const onShow = () => document.visibilityState === "visible" && void refresh();
    document.addEventListener("visibilitychange", onShow);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onShow);
    };
  }, [fast, refresh]);

  return { data, setData, refresh, connected, error };
}

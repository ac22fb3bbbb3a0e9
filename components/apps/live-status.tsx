import type { ApiError } from "../api-fetch";

/** Says whether what the page shows is current: live over the socket, polled, or possibly stale. */
export function LiveStatus({ connected, error }: { connected: boolean; error: ApiError | null }) {
  if (error) {
    return (
      <span role="status" className="text-xs font-medium text-amber-800 dark:text-amber-300">
        Could not refresh: {error.message}. Showing the last known state.
      </span>
    );
  }
  return (
    <span role="status" className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400" title={connected ? "Set states arrive over the socket as they change" : "The socket is not connected; the page re-reads every few seconds"}>
      <span aria-hidden className={connected ? "size-1.5 rounded-full bg-emerald-500" : "size-1.5 rounded-full bg-zinc-400"} />
      {connected ? "Live" : "Polling"}
    </span>
  );
}

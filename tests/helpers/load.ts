import type { TAppContainer } from "@/lib/protocol/apps";
import { TEST_IMAGE } from "./agent";

/**
 * The load generator README's "Putting CPU load on an app" describes: BusyBox's sh runs a duty
 * cycle shared by the app's Running sets. Every second each set looks up how many sets the app
 * has (`nslookup <app>` answers one address per Running set) and burns LOAD_PERCENT / n percent
 * of its own CPU limit for that second (capped at 100), from LOAD_FROM until LOAD_UNTIL (epoch
 * seconds; LOAD_FROM defaults to at once). So the
 * whole app carries LOAD_PERCENT percent of one set's CPU, however many sets share it: a load
 * step that a fixed number of sets absorbs, like requests behind a load balancer.
 */
export const LOAD_SCRIPT = [
  'while :; do',
  '  now=$(date +%s)',
  '  if [ "$now" -ge "${LOAD_FROM:-0}" ] && [ "$now" -lt "${LOAD_UNTIL:-0}" ]; then',
  // The resolver's own "Address:" line comes first; every other one is a Running set.
  '    n=$(($(nslookup "$LOAD_APP" 2>/dev/null | grep -c "^Address") - 1))',
  '    [ "$n" -ge 1 ] 2>/dev/null || n=1',
  '    duty=$((LOAD_PERCENT / n)); [ "$duty" -gt 100 ] && duty=100',
  '    if [ "$duty" -gt 0 ]; then yes >/dev/null & p=$!; usleep $((duty * 10000)); kill $p; wait $p 2>/dev/null; fi',
  '    usleep $(((100 - duty) * 10000))',
  '  else sleep 1; fi',
  'done',
].join("\n");

/** One container running the load generator for `app`: `percent` of one set's CPU until `until` (ms), from `from`. */
export function loadContainer(app: string, percent: number, until: number, opts: { from?: number; image?: string } = {}): TAppContainer {
  return {
    index: 0,
    name: "load",
    image: opts.image ?? TEST_IMAGE,
    cpu: 100,
    memory: 100,
    env: {
      LOAD_APP: app,
      LOAD_PERCENT: String(percent),
      LOAD_FROM: String(Math.floor((opts.from ?? 0) / 1000)),
      LOAD_UNTIL: String(Math.floor(until / 1000)),
    },
    command: ["sh", "-c", LOAD_SCRIPT],
  };
}

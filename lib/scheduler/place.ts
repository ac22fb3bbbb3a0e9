import { Heap } from "./heap";

/**
 * Pure, deterministic placement. Filters hosts that can take the set (Ready, not cordoned, free
 * CPU, memory and disk), then ranks: spread the app's sets across hosts and zones first, then
 * least allocated ("spread") or most allocated ("pack"). Ties break on host id.
 */

export interface TSchedHost {
  id: string;
  zone: string;
  ready: boolean;
  cordoned: boolean;
  cpuMillis: number;
  memoryMiB: number;
  diskGiB: number;
  allocCpuMillis: number;
  allocMemoryMiB: number;
  allocDiskGiB: number;
  /** Sets of the app being placed already on this host. */
  appSets: number;
}

export interface TSchedRequest {
  cpuMillis: number;
  memoryMiB: number;
  diskGiB: number;
}

export type TPolicy = "spread" | "pack";

export type TPlacement = { hostId: string; reason?: undefined } | { hostId: null; reason: string };

function fits(h: TSchedHost, r: TSchedRequest): string | null {
  if (!h.ready) return "not Ready";
  if (h.cordoned) return "cordoned";
  if (h.allocCpuMillis + r.cpuMillis > h.cpuMillis) return "CPU";
  if (h.allocMemoryMiB + r.memoryMiB > h.memoryMiB) return "memory";
  if (h.allocDiskGiB + r.diskGiB > h.diskGiB) return "disk";
  return null;
}

function load(h: TSchedHost): number {
  const cpu = h.cpuMillis > 0 ? h.allocCpuMillis / h.cpuMillis : 1;
  const mem = h.memoryMiB > 0 ? h.allocMemoryMiB / h.memoryMiB : 1;
  return Math.max(cpu, mem);
}

/** A host that can take the request, with what this call has added to it so far. */
interface TCandidate {
  host: TSchedHost;
  allocCpuMillis: number;
  allocMemoryMiB: number;
  allocDiskGiB: number;
  appSets: number;
  load: number;
}

const REFUSAL_ORDER = ["not Ready", "cordoned", "CPU", "memory", "disk"];

/**
 * Places `count` identical sets one after another, accounting for each placement.
 *
 * The ranking key is (app's sets on the host, app's sets in the host's zone, load, id). Within a
 * zone the zone term is the same for every host, so each zone keeps a heap ordered by the rest and
 * the best host is the best of the zone heads: one pass over the hosts per call, then
 * O(zones + log hosts) per set instead of a pass over every host for every set.
 */
export function placeSets(hosts: TSchedHost[], request: TSchedRequest, count: number, policy: TPolicy = "spread"): TPlacement[] {
  const before = (a: TCandidate, b: TCandidate): boolean => {
    if (a.appSets !== b.appSets) return a.appSets < b.appSets;
    if (a.load !== b.load) return policy === "spread" ? a.load < b.load : a.load > b.load;
    return a.host.id < b.host.id;
  };
  const zoneSets = new Map<string, number>();
  const zones = new Map<string, Heap<TCandidate>>();
  const refusals = new Map<string, number>();
  const refuse = (why: string) => refusals.set(why, (refusals.get(why) ?? 0) + 1);
  for (const h of hosts) {
    zoneSets.set(h.zone, (zoneSets.get(h.zone) ?? 0) + h.appSets);
    const why = fits(h, request);
    if (why) {
      refuse(why);
      continue;
    }
    let heap = zones.get(h.zone);
    if (!heap) zones.set(h.zone, (heap = new Heap(before)));
    heap.push({ host: h, allocCpuMillis: h.allocCpuMillis, allocMemoryMiB: h.allocMemoryMiB, allocDiskGiB: h.allocDiskGiB, appSets: h.appSets, load: load(h) });
  }

  const out: TPlacement[] = [];
  for (let i = 0; i < count; i++) {
    let bestZone: string | null = null;
    let best: TCandidate | undefined;
    for (const [zone, heap] of zones) {
      const head = heap.peek();
      if (!head) continue;
      if (!best || head.appSets < best.appSets || (head.appSets === best.appSets && betterZoneHead(zone, head, bestZone!, best, zoneSets, before))) {
        best = head;
        bestZone = zone;
      }
    }
    if (!best || bestZone === null) {
      out.push({ hostId: null, reason: noHostReason(hosts.length, request, refusals) });
      continue;
    }
    const heap = zones.get(bestZone)!;
    heap.pop();
    best.allocCpuMillis += request.cpuMillis;
    best.allocMemoryMiB += request.memoryMiB;
    best.allocDiskGiB += request.diskGiB;
    best.appSets += 1;
    best.load = load({ ...best.host, allocCpuMillis: best.allocCpuMillis, allocMemoryMiB: best.allocMemoryMiB });
    zoneSets.set(bestZone, (zoneSets.get(bestZone) ?? 0) + 1);
    const why = fits({ ...best.host, allocCpuMillis: best.allocCpuMillis, allocMemoryMiB: best.allocMemoryMiB, allocDiskGiB: best.allocDiskGiB }, request);
    if (why) refuse(why);
    else heap.push(best);
    out.push({ hostId: best.host.id });
  }
  return out;
}

function betterZoneHead(
  zone: string,
  head: TCandidate,
  bestZone: string,
  best: TCandidate,
  zoneSets: Map<string, number>,
  before: (a: TCandidate, b: TCandidate) => boolean,
): boolean {
  const za = zoneSets.get(zone) ?? 0;
  const zb = zoneSets.get(bestZone) ?? 0;
  if (za !== zb) return za < zb;
  return before(head, best);
}

function noHostReason(hostCount: number, r: TSchedRequest, refusals: Map<string, number>): string {
  if (hostCount === 0) return "no hosts are enrolled";
  const summary = REFUSAL_ORDER.filter((why) => refusals.has(why)).map((why) => {
    const n = refusals.get(why)!;
    return `${n} host${n > 1 ? "s" : ""}: ${why === "not Ready" || why === "cordoned" ? why : `not enough ${why}`}`;
  });
  return `no host fits ${r.cpuMillis / 1000} cores, ${r.memoryMiB} MiB, ${r.diskGiB} GiB (${summary.join("; ")})`;
}

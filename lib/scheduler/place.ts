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

export type TPlacement = { hostId: string } | { hostId: null; reason: string };

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

/** Places `count` identical sets one after another, accounting for each placement. */
export function placeSets(hostsIn: TSchedHost[], request: TSchedRequest, count: number, policy: TPolicy = "spread"): TPlacement[] {
  const hosts = hostsIn.map((h) => ({ ...h }));
  const zoneSets = new Map<string, number>();
  for (const h of hosts) zoneSets.set(h.zone, (zoneSets.get(h.zone) ?? 0) + h.appSets);
  const out: TPlacement[] = [];
  for (let i = 0; i < count; i++) {
    const placement = placeOne(hosts, request, zoneSets, policy);
    out.push(placement);
    if (placement.hostId) {
      const h = hosts.find((x) => x.id === placement.hostId);
      if (!h) throw new Error("placed on an unknown host");
      h.allocCpuMillis += request.cpuMillis;
      h.allocMemoryMiB += request.memoryMiB;
      h.allocDiskGiB += request.diskGiB;
      h.appSets += 1;
      zoneSets.set(h.zone, (zoneSets.get(h.zone) ?? 0) + 1);
    }
  }
  return out;
}

function placeOne(hosts: TSchedHost[], r: TSchedRequest, zoneSets: Map<string, number>, policy: TPolicy): TPlacement {
  let best: TSchedHost | null = null;
  const refusals = new Map<string, number>();
  for (const h of hosts) {
    const why = fits(h, r);
    if (why) {
      refusals.set(why, (refusals.get(why) ?? 0) + 1);
      continue;
    }
    if (!best || better(h, best, zoneSets, policy)) best = h;
  }
  if (best) return { hostId: best.id };
  if (hosts.length === 0) return { hostId: null, reason: "no hosts are enrolled" };
  const summary = [...refusals.entries()].map(([why, n]) => `${n} host${n > 1 ? "s" : ""}: ${why === "not Ready" || why === "cordoned" ? why : `not enough ${why}`}`);
  return { hostId: null, reason: `no host fits ${r.cpuMillis / 1000} cores, ${r.memoryMiB} MiB, ${r.diskGiB} GiB (${summary.join("; ")})` };
}

function better(a: TSchedHost, b: TSchedHost, zoneSets: Map<string, number>, policy: TPolicy): boolean {
  if (a.appSets !== b.appSets) return a.appSets < b.appSets;
  const za = zoneSets.get(a.zone) ?? 0;
  const zb = zoneSets.get(b.zone) ?? 0;
  if (za !== zb) return za < zb;
  const la = load(a);
  const lb = load(b);
  if (la !== lb) return policy === "spread" ? la < lb : la > lb;
  return a.id < b.id;
}

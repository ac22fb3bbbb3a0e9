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

/** Places `count` identical sets one after another, accounting for each placement. */
export function placeSets(hostsIn: TSchedHost[], request: TSchedRequest, count: number, policy: TPolicy = "spread"): TPlacement[] {
  const hosts = hostsIn.map((h) => ({ ...h }));
  const loads = hosts.map(load);
  const zoneSets = new Map<string, number>();
  for (const h of hosts) zoneSets.set(h.zone, (zoneSets.get(h.zone) ?? 0) + h.appSets);
  const out: TPlacement[] = [];
  for (let i = 0; i < count; i++) {
    const found = bestHost(hosts, loads, request, zoneSets, policy);
    if (typeof found === "string") {
      out.push({ hostId: null, reason: found });
      continue;
    }
    const h = hosts[found];
    h.allocCpuMillis += request.cpuMillis;
    h.allocMemoryMiB += request.memoryMiB;
    h.allocDiskGiB += request.diskGiB;
    h.appSets += 1;
    loads[found] = load(h);
    zoneSets.set(h.zone, (zoneSets.get(h.zone) ?? 0) + 1);
    out.push({ hostId: h.id });
  }
  return out;
}

/** Index of the best host, or the reason none fits. One pass over the hosts. */
function bestHost(hosts: TSchedHost[], loads: number[], r: TSchedRequest, zoneSets: Map<string, number>, policy: TPolicy): number | string {
  let best = -1;
  let refusals: Map<string, number> | null = null;
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i];
    const why = fits(h, r);
    if (why) {
      refusals ??= new Map();
      refusals.set(why, (refusals.get(why) ?? 0) + 1);
      continue;
    }
    if (best < 0 || better(i, best, hosts, loads, zoneSets, policy)) best = i;
  }
  if (best >= 0) return best;
  if (hosts.length === 0) return "no hosts are enrolled";
  const summary = [...(refusals ?? new Map<string, number>()).entries()].map(
    ([why, n]) => `${n} host${n > 1 ? "s" : ""}: ${why === "not Ready" || why === "cordoned" ? why : `not enough ${why}`}`,
  );
  return `no host fits ${r.cpuMillis / 1000} cores, ${r.memoryMiB} MiB, ${r.diskGiB} GiB (${summary.join("; ")})`;
}

function better(ai: number, bi: number, hosts: TSchedHost[], loads: number[], zoneSets: Map<string, number>, policy: TPolicy): boolean {
  const a = hosts[ai];
  const b = hosts[bi];
  if (a.appSets !== b.appSets) return a.appSets < b.appSets;
  if (a.zone !== b.zone) {
    const za = zoneSets.get(a.zone) ?? 0;
    const zb = zoneSets.get(b.zone) ?? 0;
    if (za !== zb) return za < zb;
  }
  const la = loads[ai];
  const lb = loads[bi];
  if (la !== lb) return policy === "spread" ? la < lb : la > lb;
  return a.id < b.id;
}

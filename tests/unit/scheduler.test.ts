import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { placeSets, type TPolicy, type TSchedHost, type TSchedRequest } from "@/lib/scheduler/place";

/**
 * The obvious scheduler, as the definition the fast one must agree with: for every set, one pass
 * over every host, keeping the best by (app's sets on host, app's sets in zone, load, id).
 */
function placeNaively(hostsIn: TSchedHost[], r: TSchedRequest, count: number, policy: TPolicy): Array<string | null> {
  const hosts = hostsIn.map((h) => ({ ...h }));
  const load = (h: TSchedHost) => Math.max(h.cpuMillis > 0 ? h.allocCpuMillis / h.cpuMillis : 1, h.memoryMiB > 0 ? h.allocMemoryMiB / h.memoryMiB : 1);
  const zoneSets = new Map<string, number>();
  for (const h of hosts) zoneSets.set(h.zone, (zoneSets.get(h.zone) ?? 0) + h.appSets);
  const key = (h: TSchedHost) => [h.appSets, zoneSets.get(h.zone)!, policy === "spread" ? load(h) : -load(h)];
  const out: Array<string | null> = [];
  for (let i = 0; i < count; i++) {
    let best: TSchedHost | null = null;
    for (const h of hosts) {
      const fits = h.ready && !h.cordoned && h.allocCpuMillis + r.cpuMillis <= h.cpuMillis && h.allocMemoryMiB + r.memoryMiB <= h.memoryMiB && h.allocDiskGiB + r.diskGiB <= h.diskGiB;
      if (!fits) continue;
      if (!best) {
        best = h;
        continue;
      }
      const [ka, kb] = [key(h), key(best)];
      const d = ka.findIndex((v, k) => v !== kb[k]);
      if (d >= 0 ? ka[d] < kb[d] : h.id < best.id) best = h;
    }
    out.push(best?.id ?? null);
    if (!best) continue;
    best.allocCpuMillis += r.cpuMillis;
    best.allocMemoryMiB += r.memoryMiB;
    best.allocDiskGiB += r.diskGiB;
    best.appSets += 1;
    zoneSets.set(best.zone, zoneSets.get(best.zone)! + 1);
  }
  return out;
}

const arbHost = (i: number) =>
  fc.record({
    id: fc.constant(`h${String(i).padStart(3, "0")}`),
    zone: fc.constantFrom("a", "b", "c"),
    ready: fc.integer({ min: 0, max: 99 }).map((n) => n < 85),
    cordoned: fc.integer({ min: 0, max: 99 }).map((n) => n < 15),
    cpuMillis: fc.integer({ min: 0, max: 16_000 }),
    memoryMiB: fc.integer({ min: 0, max: 65_536 }),
    diskGiB: fc.integer({ min: 0, max: 500 }),
    allocCpuMillis: fc.constant(0),
    allocMemoryMiB: fc.constant(0),
    allocDiskGiB: fc.constant(0),
    appSets: fc.constant(0),
  });

const arbHosts = fc.integer({ min: 0, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbHost(i))));
const arbRequest = fc.record({
  cpuMillis: fc.integer({ min: 100, max: 8000 }),
  memoryMiB: fc.integer({ min: 16, max: 16_384 }),
  diskGiB: fc.integer({ min: 0, max: 100 }),
});

describe("placeSets (property-based)", () => {
  it("never places past a host's CPU, memory or disk, nor on a host that is not Ready or is cordoned", () => {
    fc.assert(
      fc.property(arbHosts, arbRequest, fc.integer({ min: 1, max: 40 }), fc.constantFrom("spread" as const, "pack" as const), (hosts, req, n, policy) => {
        const placements = placeSets(hosts as TSchedHost[], req, n, policy);
        const used = new Map<string, { cpu: number; mem: number; disk: number }>();
        for (const p of placements) {
          if (!p.hostId) {
            expect(p.reason).toMatch(/no host/);
            continue;
          }
          const h = hosts.find((x) => x.id === p.hostId)!;
          expect(h.ready && !h.cordoned).toBe(true);
          const u = used.get(h.id) ?? { cpu: 0, mem: 0, disk: 0 };
          u.cpu += req.cpuMillis;
          u.mem += req.memoryMiB;
          u.disk += req.diskGiB;
          used.set(h.id, u);
          expect(u.cpu).toBeLessThanOrEqual(h.cpuMillis);
          expect(u.mem).toBeLessThanOrEqual(h.memoryMiB);
          expect(u.disk).toBeLessThanOrEqual(h.diskGiB);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("leaves a set unplaced only when no eligible host has room for it", () => {
    fc.assert(
      fc.property(arbHosts, arbRequest, fc.integer({ min: 1, max: 30 }), (hosts, req, n) => {
        const placements = placeSets(hosts as TSchedHost[], req, n);
        const firstMiss = placements.findIndex((p) => !p.hostId);
        if (firstMiss < 0) return;
        // Replay the placements before the miss and check that nothing had room left.
        const left = new Map<string, { cpu: number; mem: number; disk: number }>(hosts.map((h) => [h.id, { cpu: h.cpuMillis, mem: h.memoryMiB, disk: h.diskGiB }]));
        for (const p of placements.slice(0, firstMiss)) {
          const l = left.get(p.hostId!)!;
          l.cpu -= req.cpuMillis;
          l.mem -= req.memoryMiB;
          l.disk -= req.diskGiB;
        }
        for (const h of hosts) {
          const l = left.get(h.id)!;
          const fits = h.ready && !h.cordoned && l.cpu >= req.cpuMillis && l.mem >= req.memoryMiB && l.disk >= req.diskGiB;
          expect(fits).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("spreads replicas: with enough roomy hosts, no host gets a second set before every host has one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 40 }), (hostCount, n) => {
        const hosts: TSchedHost[] = Array.from({ length: hostCount }, (_, i) => ({
          id: `h${i}`, zone: `z${i % 3}`, ready: true, cordoned: false, cpuMillis: 1_000_000, memoryMiB: 1_000_000, diskGiB: 100_000,
          allocCpuMillis: 0, allocMemoryMiB: 0, allocDiskGiB: 0, appSets: 0,
        }));
        const placements = placeSets(hosts, { cpuMillis: 500, memoryMiB: 256, diskGiB: 1 }, n);
        const counts = new Map<string, number>();
        for (const p of placements) counts.set(p.hostId!, (counts.get(p.hostId!) ?? 0) + 1);
        const values = hosts.map((h) => counts.get(h.id) ?? 0);
        expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("spreads across zones before hosts within a zone", () => {
    const hosts: TSchedHost[] = ["a1", "a2", "a3", "b1"].map((id) => ({
      id, zone: id[0], ready: true, cordoned: false, cpuMillis: 8000, memoryMiB: 8192, diskGiB: 100,
      allocCpuMillis: 0, allocMemoryMiB: 0, allocDiskGiB: 0, appSets: 0,
    }));
    const placed = placeSets(hosts, { cpuMillis: 1000, memoryMiB: 512, diskGiB: 1 }, 2).map((p) => p.hostId);
    expect(new Set(placed.map((h) => h![0]))).toEqual(new Set(["a", "b"]));
  });

  it("chooses exactly the hosts that a full pass over every host for every set would choose", () => {
    const busyHost = (i: number) =>
      arbHost(i).chain((h) =>
        // Few distinct sizes, so that loads tie and the later keys (zone, id) decide too.
        fc.record({
          cpuMillis: fc.constantFrom(4000, 8000, 16_000),
          memoryMiB: fc.constantFrom(8192, 16_384),
          allocCpuMillis: fc.constantFrom(0, 1000, 2000, 9000),
          allocMemoryMiB: fc.constantFrom(0, 2048),
          appSets: fc.integer({ min: 0, max: 2 }),
        }).map((a) => ({ ...h, ...a })),
      );
    const busyHosts = fc.integer({ min: 0, max: 30 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => busyHost(i))));
    fc.assert(
      fc.property(busyHosts, arbRequest, fc.integer({ min: 1, max: 60 }), fc.constantFrom("spread" as const, "pack" as const), (hosts, req, n, policy) => {
        const fast = placeSets(hosts as TSchedHost[], req, n, policy).map((p) => p.hostId);
        expect(fast).toEqual(placeNaively(hosts as TSchedHost[], req, n, policy));
      }),
      { numRuns: 1000 },
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(arbHosts, arbRequest, fc.integer({ min: 1, max: 20 }), (hosts, req, n) => {
        expect(placeSets(hosts as TSchedHost[], req, n)).toEqual(placeSets(hosts as TSchedHost[], req, n));
      }),
      { numRuns: 200 },
    );
  });

  it("pack fills the most allocated host first; spread the least", () => {
    const mk = (id: string, alloc: number): TSchedHost => ({
      id, zone: "z", ready: true, cordoned: false, cpuMillis: 10_000, memoryMiB: 10_000, diskGiB: 100,
      allocCpuMillis: alloc, allocMemoryMiB: 0, allocDiskGiB: 0, appSets: 0,
    });
    const hosts = [mk("busy", 6000), mk("idle", 0)];
    expect(placeSets(hosts, { cpuMillis: 1000, memoryMiB: 1, diskGiB: 0 }, 1, "spread")[0].hostId).toBe("idle");
    expect(placeSets(hosts, { cpuMillis: 1000, memoryMiB: 1, diskGiB: 0 }, 1, "pack")[0].hostId).toBe("busy");
  });
});

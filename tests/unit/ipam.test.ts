import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatCidr, gatewayOf, lowestFree, parseCidr, setAddressAt, setCapacity, setOffsetOf, subnetAt, subnetCount } from "@/lib/network/ipam";

describe("address plan arithmetic", () => {
  it("carves a pool into subnets, each with a gateway and set addresses", () => {
    const pool = parseCidr("10.224.0.0/12");
    expect(subnetCount(pool, 24)).toBe(4096);
    const first = subnetAt(pool, 24, 0);
    expect(formatCidr(first)).toBe("10.224.0.0/24");
    expect(formatCidr(subnetAt(pool, 24, 257))).toBe("10.225.1.0/24");
    expect(formatCidr(subnetAt(pool, 24, 4095))).toBe("10.239.255.0/24");
    expect(gatewayOf(first)).toBe("10.224.0.1");
    expect(setCapacity(first)).toBe(253);
    expect(setAddressAt(first, 0)).toBe("10.224.0.2");
    expect(setAddressAt(first, 252)).toBe("10.224.0.254");
    expect(() => setAddressAt(first, 253)).toThrow(/outside/);
    expect(() => subnetAt(pool, 24, 4096)).toThrow(/outside the pool/);
  });

  it("refuses malformed pools and subnets that do not fit", () => {
    expect(() => parseCidr("10.224.0.1/12")).toThrow(/host bits/);
    expect(() => parseCidr("10.224.0.0")).toThrow(/not a CIDR/);
    expect(() => parseCidr("300.1.1.0/24")).toThrow(/not an IPv4/);
    expect(() => subnetCount(parseCidr("10.0.0.0/24"), 16)).toThrow(/does not fit/);
    expect(() => subnetCount(parseCidr("10.0.0.0/8"), 31)).toThrow(/does not fit/);
  });

  it("maps addresses back to offsets, and nothing else", () => {
    const s = parseCidr("192.0.2.0/26");
    fc.assert(fc.property(fc.integer({ min: 0, max: setCapacity(s) - 1 }), (o) => setOffsetOf(s, setAddressAt(s, o)) === o));
    expect(setOffsetOf(s, "192.0.2.0")).toBeNull();
    expect(setOffsetOf(s, "192.0.2.1")).toBeNull();
    expect(setOffsetOf(s, "192.0.2.63")).toBeNull();
    expect(setOffsetOf(s, "192.0.2.64")).toBeNull();
  });

  it("allocates the lowest free numbers", () => {
    expect(lowestFree([0, 1, 3], 3, 10)).toEqual([2, 4, 5]);
    expect(lowestFree([0, 1], 3, 3)).toEqual([2]);
  });
});

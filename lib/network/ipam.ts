/**
 * Berth's address plan, as pure arithmetic: one pool (a CIDR) carved into equal team subnets;
 * in each subnet the first address is the bridge's gateway, the last the broadcast, and the rest
 * go to sets. Allocation is "lowest free index", so a plan is the same whoever computes it.
 */

export interface TCidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIp(ip: string): number {
  const m = IPV4.exec(ip);
  if (!m) throw new Error(`not an IPv4 address: ${ip}`);
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function parseCidr(cidr: string): TCidr {
  const [ip, bits, extra] = cidr.split("/");
  const prefix = Number(bits);
  if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not a CIDR: ${cidr}`);
  const base = parseIp(ip);
  if ((base & ~mask(prefix)) >>> 0 !== 0) throw new Error(`${cidr} has host bits set (did you mean ${formatIp((base & mask(prefix)) >>> 0)}/${prefix}?)`);
  return { base, prefix };
}

export function formatCidr(c: TCidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function contains(c: TCidr, ip: number): boolean {
  return (ip & mask(c.prefix)) >>> 0 === c.base;
}

/** How many subnets of `/subnetPrefix` the pool holds. */
export function subnetCount(pool: TCidr, subnetPrefix: number): number {
  if (subnetPrefix < pool.prefix || subnetPrefix > 30) throw new Error(`a /${subnetPrefix} subnet does not fit a /${pool.prefix} pool (subnets are /${pool.prefix}…/30)`);
  return 2 ** (subnetPrefix - pool.prefix);
}

export function subnetAt(pool: TCidr, subnetPrefix: number, index: number): TCidr {
  if (!Number.isInteger(index) || index < 0 || index >= subnetCount(pool, subnetPrefix)) throw new Error(`subnet index ${index} is outside the pool`);
  return { base: (pool.base + index * 2 ** (32 - subnetPrefix)) >>> 0, prefix: subnetPrefix };
}

export function gatewayOf(subnet: TCidr): string {
  return formatIp(subnet.base + 1);
}

/** Addresses a subnet has for sets: all but network, gateway and broadcast. */
export function setCapacity(subnet: TCidr): number {
  return 2 ** (32 - subnet.prefix) - 3;
}

/** The set address at `offset` (0 = the first after the gateway). */
export function setAddressAt(subnet: TCidr, offset: number): string {
  if (!Number.isInteger(offset) || offset < 0 || offset >= setCapacity(subnet)) throw new Error(`address offset ${offset} is outside ${formatCidr(subnet)}`);
  return formatIp(subnet.base + 2 + offset);
}

/** Inverse of setAddressAt; null for an address that is not a set address of this subnet. */
export function setOffsetOf(subnet: TCidr, ip: string): number | null {
  const n = parseIp(ip);
  if (!contains(subnet, n)) return null;
  const offset = n - subnet.base - 2;
  return offset >= 0 && offset < setCapacity(subnet) ? offset : null;
}

/** The `count` lowest integers in [0, limit) not in `used`. */
export function lowestFree(used: Iterable<number>, count: number, limit: number): number[] {
  const taken = new Set(used);
  const out: number[] = [];
  for (let i = 0; i < limit && out.length < count; i++) if (!taken.has(i)) out.push(i);
  return out;
}

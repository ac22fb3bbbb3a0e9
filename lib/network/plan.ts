import { z } from "zod";
import { settings } from "../env";
import { ZAppPort, type TAppPort } from "../protocol/apps";
import type { TTx } from "../db";
import { formatCidr, gatewayOf, lowestFree, parseCidr, setAddressAt, setCapacity, setOffsetOf, subnetAt, subnetCount, type TCidr } from "./ipam";

/** A published port of a set as its row keeps it. */
export const ZHostPort = z.object({
  name: z.string(),
  port: z.number().int(),
  protocol: z.enum(["tcp", "udp"]),
  hostPort: z.number().int(),
  reachable: z.boolean().nullable().default(null),
});
export type THostPort = z.infer<typeof ZHostPort>;

export function hostPortsOf(json: unknown): THostPort[] {
  const parsed = z.array(ZHostPort).safeParse(json);
  return parsed.success ? parsed.data : [];
}

export function appPortsOf(json: unknown): TAppPort[] {
  const parsed = z.array(ZAppPort).safeParse(json);
  return parsed.success ? parsed.data : [];
}

/** A set being placed on a host, with the address and host ports it holds now (if any). */
export interface TPlacement {
  setId: string;
  teamId: string;
  hostId: string;
  subnetId: string | null;
  ip: string | null;
  /** The app's declared ports. */
  ports: TAppPort[];
  hostPorts: THostPort[];
}

export interface TAddress {
  setId: string;
  subnetId: string;
  ip: string;
  hostPorts: THostPort[];
}

function publishRange(): { first: number; last: number } {
  const [first, last] = settings().BERTH_PUBLISH_RANGE.split("-").map(Number);
  return { first, last };
}

/** The set keeps its host ports when it keeps its address and they still match the app's published ports. */
function sameBindings(current: THostPort[], published: TAppPort[]): boolean {
  return current.length === published.length && published.every((p) => current.some((c) => c.name === p.name && c.port === p.port && c.protocol === p.protocol));
}

/** A subnet with no live set is freed after this, so its host's old bridge is gone before the range is reused. */
export const SUBNET_RELEASE_GRACE_SECONDS = 60;

interface TSubnetRow {
  id: string;
  teamId: string;
  hostId: string;
  cidr: string;
}

function pool(): { pool: TCidr; prefix: number; count: number } {
  const s = settings();
  const p = parseCidr(s.BERTH_NETWORK_POOL);
  return { pool: p, prefix: s.BERTH_NETWORK_SUBNET_PREFIX, count: subnetCount(p, s.BERTH_NETWORK_SUBNET_PREFIX) };
}

/** Pool indexes an existing subnet occupies (it may come from an earlier pool or subnet size). */
function occupiedIndexes(plan: { pool: TCidr; prefix: number; count: number }, cidr: string): number[] {
  const c = parseCidr(cidr);
  const size = 2 ** (32 - plan.prefix);
  const first = c.base - plan.pool.base;
  const span = 2 ** (32 - c.prefix);
  const out: number[] = [];
  for (let i = Math.max(0, Math.floor(first / size)); i < plan.count && i * size < first + span; i++) out.push(i);
  return out;
}

/**
 * Gives each placed set an address on its team's subnet of its host, inside the caller's
 * transaction (which holds the scheduler lock, so allocations never race): the subnet is carved
 * from the pool when the team first lands on the host, and a set that already holds an address on
 * that subnet (it returns to the host it left) keeps it. Sets that get none are returned with
 * the reason: the pool, or the team's subnet on that host, is full.
 */
export async function allocateAddresses(tx: TTx, placements: TPlacement[]): Promise<{ assigned: TAddress[]; refused: Map<string, string> }> {
  const refused = new Map<string, string>();
  if (placements.length === 0) return { assigned: [], refused };
  const plan = pool();
  const key = (teamId: string, hostId: string) => `${teamId}/${hostId}`;
  const pairs = [...new Map(placements.map((p) => [key(p.teamId, p.hostId), p])).values()];
  const subnets = new Map<string, TSubnetRow>();
  for (const row of await tx.$queryRaw<TSubnetRow[]>`
      SELECT id, "teamId", "hostId", cidr FROM "TeamSubnet"
       WHERE ("teamId", "hostId") IN (SELECT unnest(${pairs.map((p) => p.teamId)}::text[]), unnest(${pairs.map((p) => p.hostId)}::text[]))`) {
    subnets.set(key(row.teamId, row.hostId), row);
  }

  const missing = pairs.filter((p) => !subnets.has(key(p.teamId, p.hostId)));
  if (missing.length) {
    const all = await tx.teamSubnet.findMany({ select: { cidr: true } });
    const free = lowestFree(all.flatMap((r) => occupiedIndexes(plan, r.cidr)), missing.length, plan.count);
    const created = await tx.teamSubnet.createManyAndReturn({
      data: missing.slice(0, free.length).map((p, i) => {
        const subnet = subnetAt(plan.pool, plan.prefix, free[i]);
        return { teamId: p.teamId, hostId: p.hostId, cidr: formatCidr(subnet), gateway: gatewayOf(subnet) };
      }),
      select: { id: true, teamId: true, hostId: true, cidr: true },
    });
    for (const row of created) subnets.set(key(row.teamId, row.hostId), row);
  }

  const subnetIds = [...new Set([...subnets.values()].map((s) => s.id))];
  const used = new Map<string, Set<string>>(subnetIds.map((id) => [id, new Set()]));
  for (const row of await tx.$queryRaw<Array<{ subnetId: string; ip: string }>>`
      SELECT "subnetId", ip FROM "Set" WHERE "subnetId" = ANY(${subnetIds}::text[]) AND "deletedAt" IS NULL AND ip IS NOT NULL`) {
    used.get(row.subnetId)?.add(row.ip);
  }

  const assigned: TAddress[] = [];
  const wanting = new Map<string, TPlacement[]>();
  for (const p of placements) {
    const subnet = subnets.get(key(p.teamId, p.hostId));
    if (!subnet) {
      console.warn(`[network] address pool ${settings().BERTH_NETWORK_POOL} exhausted: set ${p.setId} waits (widen BERTH_NETWORK_POOL)`);
      refused.set(p.setId, `address pool exhausted: ${settings().BERTH_NETWORK_POOL} holds ${plan.count} subnets of /${plan.prefix}, all in use (BERTH_NETWORK_POOL)`);
      continue;
    }
    if (p.subnetId === subnet.id && p.ip) {
      assigned.push({ setId: p.setId, subnetId: subnet.id, ip: p.ip, hostPorts: p.hostPorts });
      continue;
    }
    const group = wanting.get(subnet.id);
    if (group) group.push(p);
    else wanting.set(subnet.id, [p]);
  }
  const subnetById = new Map([...subnets.values()].map((s) => [s.id, s]));
  for (const [subnetId, sets] of wanting) {
    const subnet = subnetById.get(subnetId)!;
    const cidr = parseCidr(subnet.cidr);
    const offsets = [...(used.get(subnetId) ?? [])].map((ip) => setOffsetOf(cidr, ip)).filter((o): o is number => o !== null);
    const free = lowestFree(offsets, sets.length, setCapacity(cidr));
    sets.forEach((p, i) => {
      if (i < free.length) assigned.push({ setId: p.setId, subnetId, ip: setAddressAt(cidr, free[i]), hostPorts: [] });
      else refused.set(p.setId, `address pool exhausted: the team's subnet ${subnet.cidr} on this host has no free address (${setCapacity(cidr)} sets)`);
    });
  }
  const bound = await bindHostPorts(tx, placements, assigned, refused);
  if (bound.length) {
    await tx.$executeRaw`UPDATE "TeamSubnet" SET "emptySince" = NULL WHERE id = ANY(${[...new Set(bound.map((a) => a.subnetId))]}::text[]) AND "emptySince" IS NOT NULL`;
  }
  return { assigned: bound, refused };
}

/**
 * Host ports for the app's published ports, unique per host: lowest free in BERTH_PUBLISH_RANGE
 * among the live sets holding an address on that host. A set that keeps its address keeps its
 * ports; one that gets none stays unplaced with the reason.
 */
async function bindHostPorts(tx: TTx, placements: TPlacement[], assigned: TAddress[], refused: Map<string, string>): Promise<TAddress[]> {
  const byId = new Map(placements.map((p) => [p.setId, p]));
  const publishedOf = (a: TAddress) => byId.get(a.setId)!.ports.filter((x) => x.publish);
  // An app without published ports holds no host ports, whatever the set held before.
  for (const a of assigned) if (publishedOf(a).length === 0) a.hostPorts = [];
  const needing = new Set(assigned.filter((a) => publishedOf(a).length > 0 && !(a.hostPorts.length && sameBindings(a.hostPorts, publishedOf(a)))));
  if (needing.size === 0) return assigned;
  const hosts = [...new Set([...needing].map((a) => byId.get(a.setId)!.hostId))];
  const used = new Map<string, Set<number>>(hosts.map((h) => [h, new Set()]));
  for (const row of await tx.$queryRaw<Array<{ hostId: string; hostPorts: unknown }>>`
      SELECT t."hostId", s."hostPorts" FROM "Set" s JOIN "TeamSubnet" t ON t.id = s."subnetId"
       WHERE t."hostId" = ANY(${hosts}::text[]) AND s."deletedAt" IS NULL AND s."hostPorts" <> '[]'::jsonb`) {
    for (const hp of hostPortsOf(row.hostPorts)) used.get(row.hostId)?.add(hp.hostPort);
  }
  // Kept bindings of sets placed in this same pass count as used too.
  for (const a of assigned) if (!needing.has(a)) for (const hp of a.hostPorts) used.get(byId.get(a.setId)!.hostId)?.add(hp.hostPort);
  const { first, last } = publishRange();
  const out = assigned.filter((a) => !needing.has(a));
  for (const a of needing) {
    const p = byId.get(a.setId)!;
    const taken = used.get(p.hostId)!;
    const published = publishedOf(a);
    const free = lowestFree([...taken].map((n) => n - first), published.length, last - first + 1);
    if (free.length < published.length) {
      refused.set(a.setId, `no free host port in BERTH_PUBLISH_RANGE ${first}-${last} on this host`);
      continue;
    }
    a.hostPorts = published.map((x, i) => ({ name: x.name, port: x.port, protocol: x.protocol, hostPort: first + free[i], reachable: null }));
    for (const hp of a.hostPorts) taken.add(hp.hostPort);
    out.push(a);
  }
  return out;
}

/**
 * Frees subnets whose team has had no live set on them for the grace period; marks newly empty
 * ones. Runs under the scheduler lock so a placement never picks a subnet being freed.
 */
export async function releaseEmptySubnets(tx: TTx): Promise<number> {
  await tx.$executeRaw`
    UPDATE "TeamSubnet" ts SET "emptySince" = now()
     WHERE "emptySince" IS NULL AND NOT EXISTS (SELECT 1 FROM "Set" s WHERE s."subnetId" = ts.id AND s."deletedAt" IS NULL)`;
  return tx.$executeRaw`
    DELETE FROM "TeamSubnet" ts
     WHERE "emptySince" < now() - make_interval(secs => ${SUBNET_RELEASE_GRACE_SECONDS})
       AND NOT EXISTS (SELECT 1 FROM "Set" s WHERE s."subnetId" = ts.id AND s."deletedAt" IS NULL)`;
}

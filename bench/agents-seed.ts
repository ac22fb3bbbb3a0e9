/**
 * The books of bench/agents: one team, N hosts with known credentials, N apps of S replicas
 * spread over the hosts (app a's set o on host (a + o) mod N, so every host holds S sets of S
 * different apps when S ≤ N), each set Running on its host's team subnet with two business
 * containers and a volume, written straight into Postgres in one statement per table. The same
 * layout gives the simulated agents their inventories, so the console finds what it expects.
 */
import { createHash, randomBytes } from "node:crypto";
import { AGENT_VERSION } from "../agent/config";
import { volumeKey } from "../lib/protocol/agent";
import type { TAppContainer } from "../lib/protocol/apps";
import { withPg } from "../tests/helpers/db";
import { dockerIdOf, SIM_CAPACITY, SIM_DOCKER_VERSION, type TSimContainer, type TSimHost, type TSimSet } from "./sim-host";

const MIB = 1024 * 1024;
const SET_SIZE = { cpuMillis: 250, memoryMiB: 64, diskGiB: 1 } as const;
const IMAGE = "library/bench-busybox:1";
const CONTAINERS: TAppContainer[] = [
  { index: 0, name: "app", image: IMAGE, cpu: 80, memory: 70, command: ["httpd", "-f", "-p", "8080"] },
  { index: 1, name: "sidecar", image: IMAGE, cpu: 20, memory: 30, command: ["sleep", "1000000"] },
];
/** Seeded sets carry this `updatedAt`, so a status the console did write stands out. */
const SEED_MARK = "2000-01-01 00:00:00";
/** Team subnets come from BERTH_NETWORK_POOL's default (10.224.0.0/12): 4,096 /24s. */
const MAX_HOSTS = 4096;
const MAX_SETS_PER_HOST = 250;

export interface TFleetLayout {
  teamId: string;
  teamSlug: string;
  apps: number;
  setsPerHost: number;
  hosts: TSimHost[];
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const hostIdOf = (h: number) => `bhost${pad(h, 5)}`;
const appIdOf = (a: number) => `bapp${pad(a, 5)}`;
const setIdOf = (a: number, o: number) => `bset${pad(a, 5)}${pad(o, 3)}`;
/** A set id ends with its ordinal in its app. */
const ordinalOf = (setId: string) => Number(setId.slice(-3));
const subnetOf = (h: number) => ({ cidr: `10.${224 + Math.floor(h / 256)}.${h % 256}.0/24`, gateway: `10.${224 + Math.floor(h / 256)}.${h % 256}.1` });
const ipOf = (h: number, position: number) => `10.${224 + Math.floor(h / 256)}.${h % 256}.${2 + position}`;

export function fleetLayout(agents: number, setsPerAgent: number): TFleetLayout {
  if (!Number.isInteger(agents) || agents < 1 || agents > MAX_HOSTS) throw new Error(`agents must be 1..${MAX_HOSTS} (team subnets of the default pool), not ${agents}`);
  if (!Number.isInteger(setsPerAgent) || setsPerAgent < 1 || setsPerAgent > MAX_SETS_PER_HOST) throw new Error(`sets per agent must be 1..${MAX_SETS_PER_HOST} (one /24 per host), not ${setsPerAgent}`);
  const teamId = "bteam00001";
  const hosts: TSimHost[] = [];
  for (let h = 0; h < agents; h++) {
    const hostId = hostIdOf(h);
    const sets: TSimSet[] = [];
    for (let o = 0; o < setsPerAgent; o++) {
      const a = (((h - o) % agents) + agents) % agents;
      const setId = setIdOf(a, o);
      const infra: TSimContainer = {
        role: "infra", index: -1, name: "infra", dockerId: dockerIdOf(setId, -1), image: "berth/infra:sim",
        specVersion: 1, memoryLimitBytes: 16 * MIB, running: true, exitCode: null, startedAt: null,
      };
      const apps = CONTAINERS.map((c): TSimContainer => ({
        role: "app", index: c.index, name: c.name, dockerId: dockerIdOf(setId, c.index), image: c.image, specVersion: 1,
        memoryLimitBytes: Math.floor((SET_SIZE.memoryMiB * c.memory) / 100) * MIB, running: true, exitCode: null, startedAt: null,
      }));
      sets.push({ setId, teamId, appId: appIdOf(a), ip: ipOf(h, o), diskGiB: SET_SIZE.diskGiB, containers: [infra, ...apps] });
    }
    hosts.push({ hostId, name: `bench-${pad(h, 5)}`, zone: `zone-${h % 4}`, credential: `bench_${randomBytes(24).toString("base64url")}`, sets });
  }
  return { teamId, teamSlug: "bench", apps: agents, setsPerHost: setsPerAgent, hosts };
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Writes the layout's rows; every host Ready, every set Running with its containers and volume. */
export async function seedFleet(databaseUrl: string, layout: TFleetLayout): Promise<void> {
  const { teamId, hosts } = layout;
  const sets = hosts.flatMap((h) => h.sets.map((s) => ({ s, hostId: h.hostId })));
  const total = sets.length;
  await withPg(databaseUrl, async (c) => {
    await c.query("BEGIN");
    await c.query(`INSERT INTO "Team" (id, slug, name, "updatedAt") VALUES ($1, $2, 'Bench', now())`, [teamId, layout.teamSlug]);
    await c.query(`INSERT INTO "Quota" ("teamId", "cpuMillis", "memoryMiB", "diskGiB", sets, "updatedAt") VALUES ($1, $2, $3, $4, $5, now())`, [
      teamId, SET_SIZE.cpuMillis * total * 2, SET_SIZE.memoryMiB * total * 2, SET_SIZE.diskGiB * total * 2, total * 2,
    ]);
    await c.query(
      `INSERT INTO "Host" (id, name, zone, status, "statusSince", "credentialHash", "cpuCores", "memoryBytes", "diskFreeBytes", "volumeFreeBytes",
                           "lastSeenAt", "agentVersion", "dockerVersion", address, labels, "updatedAt")
       SELECT t.id, t.name, t.zone, 'Ready'::"HostStatus", now(), t.hash, $5::float8, $6::bigint, $7::bigint, $8::bigint, now(), $9::text, $10::text, '127.0.0.1', jsonb_build_object('zone', t.zone), now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, name, zone, hash)`,
      [hosts.map((h) => h.hostId), hosts.map((h) => h.name), hosts.map((h) => h.zone), hosts.map((h) => sha256(h.credential)),
        SIM_CAPACITY.cpuCores, SIM_CAPACITY.memoryBytes, SIM_CAPACITY.diskFreeBytes, SIM_CAPACITY.volumeFreeBytes, AGENT_VERSION, SIM_DOCKER_VERSION],
    );
    await c.query(
      `INSERT INTO "TeamSubnet" (id, "teamId", "hostId", cidr, gateway)
       SELECT 'bnet' || t.host, $1::text, t.host, t.cidr, t.gateway FROM unnest($2::text[], $3::text[], $4::text[]) AS t(host, cidr, gateway)`,
      [teamId, hosts.map((h) => h.hostId), hosts.map((_, h) => subnetOf(h).cidr), hosts.map((_, h) => subnetOf(h).gateway)],
    );
    await c.query(
      `INSERT INTO "App" (id, "teamId", name, replicas, "cpuMillis", "memoryMiB", "diskGiB", "volumePath", containers, ports, "updatedAt")
       SELECT t.id, $1::text, 'app-' || substr(t.id, 5), $3::int, $4::int, $5::int, $6::int, '/data', $7::jsonb, '[]'::jsonb, now() FROM unnest($2::text[]) AS t(id)`,
      [teamId, Array.from({ length: layout.apps }, (_, a) => appIdOf(a)), layout.setsPerHost, SET_SIZE.cpuMillis, SET_SIZE.memoryMiB, SET_SIZE.diskGiB, JSON.stringify(CONTAINERS)],
    );
    await c.query(
      `INSERT INTO "Set" (id, "appId", "teamId", "hostId", ordinal, state, ip, "subnetId", "cpuMillis", "memoryMiB", "diskGiB", "specVersion",
                          "desiredRunning", "infraDockerId", "updatedAt")
       SELECT t.id, t.app, $1::text, t.host, t.ordinal, 'Running'::"SetState", t.ip, 'bnet' || t.host, $7::int, $8::int, $9::int, 1, true, t.infra, $10::timestamp
         FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $11::text[]) AS t(id, app, host, ordinal, ip, infra)`,
      [teamId, sets.map((x) => x.s.setId), sets.map((x) => x.s.appId), sets.map((x) => x.hostId), sets.map((x) => ordinalOf(x.s.setId)),
        sets.map((x) => x.s.ip), SET_SIZE.cpuMillis, SET_SIZE.memoryMiB, SET_SIZE.diskGiB, SEED_MARK, sets.map((x) => dockerIdOf(x.s.setId, -1))],
    );
    const rows = sets.flatMap((x) => CONTAINERS.map((spec) => ({ setId: x.s.setId, spec })));
    await c.query(
      `INSERT INTO "Container" (id, "setId", index, name, image, "cpuPercent", "memoryPercent", env, command, state, "dockerId", "startedAt", "updatedAt")
       SELECT 'bctr' || substr(t.sid, 5) || t.idx, t.sid, t.idx, t.name, $1::text, t.cpu, t.mem, '{}'::jsonb, t.cmd::jsonb, 'Running'::"ContainerState", t.docker, now(), now()
         FROM unnest($2::text[], $3::int[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[]) AS t(sid, idx, name, cpu, mem, cmd, docker)`,
      [IMAGE, rows.map((r) => r.setId), rows.map((r) => r.spec.index), rows.map((r) => r.spec.name), rows.map((r) => r.spec.cpu), rows.map((r) => r.spec.memory),
        rows.map((r) => JSON.stringify(r.spec.command ?? null)), rows.map((r) => dockerIdOf(r.setId, r.spec.index))],
    );
    await c.query(
      `INSERT INTO "Volume" (id, "teamId", "appId", "setId", "hostId", "sizeGiB", "usedBytes", "holdsData", path, "updatedAt")
       SELECT 'bvol' || substr(t.sid, 5), $1::text, t.app, t.sid, t.host, $5::int, $6::bigint, false, t.path, now()
         FROM unnest($2::text[], $3::text[], $4::text[], $7::text[]) AS t(sid, app, host, path)`,
      [teamId, sets.map((x) => x.s.setId), sets.map((x) => x.s.appId), sets.map((x) => x.hostId), SET_SIZE.diskGiB, 2 * MIB,
        sets.map((x) => volumeKey(x.s.setId, x.hostId))],
    );
    await c.query("COMMIT");
    // A long-lived database has statistics on these tables; fresh bulk rows would get seq-scan plans.
    await c.query(`ANALYZE "Host", "TeamSubnet", "App", "Set", "Container", "Volume"`);
  });
}

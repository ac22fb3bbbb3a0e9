import type { TSetNetwork, TSetSpec } from "../protocol/agent";
import { runnableImage } from "../registry/resolve";
import { appPortsOf, hostPortsOf } from "../network/plan";

/** Every declared port is exposed; a published one is bound at the host port the console chose. */
function portSpecs(appPorts: unknown, hostPorts: unknown): TSetNetwork["ports"] {
  const bound = hostPortsOf(hostPorts);
  return appPortsOf(appPorts).map((p) => {
    const hostPort = p.publish ? bound.find((b) => b.name === p.name)?.hostPort : undefined;
    return { port: p.port, protocol: p.protocol, ...(hostPort ? { hostPort } : {}) };
  });
}

/** A set's stable name, `<app>-<ordinal>`: its DNS name in the team network and its name in the API. */
export function setName(app: string, ordinal: number): string {
  return `${app}-${ordinal}`;
}

interface TSetRow {
  id: string;
  ordinal: number;
  ip: string | null;
  subnet: { cidr: string; gateway: string } | null;
  hostPorts: unknown;
  teamId: string;
  appId: string;
  hostId: string | null;
  specVersion: number;
  cpuMillis: number;
  memoryMiB: number;
  diskGiB: number;
}
interface TContainerRow {
  index: number;
  name: string;
  image: string;
  imageDigest: string | null;
  cpuPercent: number;
  memoryPercent: number;
  env: unknown;
  command: unknown;
}

/** The agent's view of a set, from database rows only (which were validated on the way in). */
export function buildSetSpec(set: TSetRow, app: { name: string; volumePath: string; ports: unknown }, containers: TContainerRow[]): TSetSpec {
  if (!set.hostId) throw new Error(`set ${set.id} has no host yet`);
  const volumePath = app.volumePath;
  return {
    setId: set.id,
    teamId: set.teamId,
    appId: set.appId,
    hostId: set.hostId,
    specVersion: set.specVersion,
    cpuMillis: set.cpuMillis,
    memoryMiB: set.memoryMiB,
    diskGiB: set.diskGiB,
    volumePath,
    sysctls: {},
    ...(set.subnet && set.ip
      ? { network: { subnet: set.subnet.cidr, gateway: set.subnet.gateway, ip: set.ip, aliases: [app.name, setName(app.name, set.ordinal)], ports: portSpecs(app.ports, set.hostPorts) } }
      : {}),
    containers: [...containers]
      .sort((a, b) => a.index - b.index)
      .map((c) => ({
        index: c.index,
        name: c.name,
        image: runnableImage(c.image, c.imageDigest),
        cpuPercent: c.cpuPercent,
        memoryPercent: c.memoryPercent,
        env: (c.env ?? {}) as Record<string, string>,
        ...(Array.isArray(c.command) && c.command.length ? { command: c.command as string[] } : {}),
      })),
  };
}

import type { TSetSpec } from "../protocol/agent";

interface TSetRow {
  id: string;
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
  cpuPercent: number;
  memoryPercent: number;
  env: unknown;
  command: unknown;
}

/** The agent's view of a set, from database rows only (which were validated on the way in). */
export function buildSetSpec(set: TSetRow, volumePath: string, containers: TContainerRow[]): TSetSpec {
  if (!set.hostId) throw new Error(`set ${set.id} has no host yet`);
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
    containers: [...containers]
      .sort((a, b) => a.index - b.index)
      .map((c) => ({
        index: c.index,
        name: c.name,
        image: c.image,
        cpuPercent: c.cpuPercent,
        memoryPercent: c.memoryPercent,
        env: (c.env ?? {}) as Record<string, string>,
        ...(Array.isArray(c.command) && c.command.length ? { command: c.command as string[] } : {}),
      })),
  };
}

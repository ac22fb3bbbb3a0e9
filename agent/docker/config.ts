import { createHash } from "node:crypto";
import type Dockerode from "dockerode";
import { LABEL, type TContainerSpec, type TSetSpec } from "../../lib/protocol/agent";

/**
 * The only place container configs are built. Every field is set from the validated spec or a
 * constant; nothing from a request is spread into the config, so privileged mode, host
 * namespaces, binds, devices and capabilities cannot be expressed.
 */

export const INFRA_MEMORY_BYTES = 16 * 1024 * 1024;
const MIB = 1024 * 1024;

/**
 * Names derive from the set and its host, so a retried create on the same host meets Docker's
 * name conflict and adopts, while several agents sharing one engine (tests, dense hosts) never
 * collide on a set that moved between them.
 */
function hostTag(hostId: string): string {
  return hostId.slice(-8);
}

export function infraName(spec: Pick<TSetSpec, "setId" | "hostId">): string {
  return `berth-${hostTag(spec.hostId)}-${spec.setId}-infra`;
}

export function appName(spec: Pick<TSetSpec, "setId" | "hostId">, c: Pick<TContainerSpec, "index" | "name">): string {
  return `berth-${hostTag(spec.hostId)}-${spec.setId}-${c.index}-${c.name}`;
}

/**
 * A team's bridge on a host. With Berth's address plan each (team, host) has its own subnet, so
 * the name carries the host too: agents sharing one engine (tests, dense hosts) each get theirs.
 * Sets placed before the plan joined the plan-less `berth-team-<team>` bridge and keep it.
 */
export function teamNetworkName(teamId: string, hostId: string, planned: boolean): string {
  return planned ? `berth-${hostTag(hostId)}-team-${teamId}` : `berth-team-${teamId}`;
}

/** cgroupfs path under every controller; the agent writes the set-wide limits on it. */
export function setCgroupParent(setId: string): string {
  return `/berth/${setId}`;
}

function labels(spec: TSetSpec, role: "infra" | "app", index: number, name: string): Record<string, string> {
  return {
    [LABEL.set]: spec.setId,
    [LABEL.team]: spec.teamId,
    [LABEL.app]: spec.appId,
    [LABEL.host]: spec.hostId,
    [LABEL.role]: role,
    [LABEL.index]: String(index),
    [LABEL.name]: name,
    [LABEL.specVersion]: String(spec.specVersion),
  };
}

/** json-file rotation: a chatty container cannot fill the host's disk with its logs. */
export interface TLogCap {
  maxSize: string;
  maxFiles: number;
}

function logConfig(cap: TLogCap) {
  return { Type: "json-file", Config: { "max-size": cap.maxSize, "max-file": String(cap.maxFiles) } };
}

const HARDENING = {
  Privileged: false,
  SecurityOpt: ["no-new-privileges"],
  CapDrop: ["NET_RAW", "SYS_CHROOT", "MKNOD", "AUDIT_WRITE", "SETFCAP"],
  ReadonlyRootfs: false,
} as const;

export function containerLimits(spec: TSetSpec, c: Pick<TContainerSpec, "cpuPercent" | "memoryPercent">) {
  return {
    NanoCpus: Math.round((spec.cpuMillis * c.cpuPercent) / 100) * 1_000_000,
    Memory: Math.floor((spec.memoryMiB * c.memoryPercent) / 100) * MIB,
  };
}

/**
 * The app's ports on the infra container (which owns the set's network namespace): each exposed,
 * a published one bound on every host address at the host port the console chose, and nothing
 * else of the team bridge published.
 */
function portConfig(spec: TSetSpec): Pick<Dockerode.ContainerCreateOptions, "ExposedPorts"> & { PortBindings: Record<string, Array<{ HostPort: string }>> } {
  const ports = spec.network?.ports ?? [];
  return {
    ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.port}/${p.protocol}`, {}])),
    PortBindings: Object.fromEntries(ports.filter((p) => p.hostPort).map((p) => [`${p.port}/${p.protocol}`, [{ HostPort: String(p.hostPort) }]])),
  };
}

export function infraConfig(spec: TSetSpec, image: string, volumeSource: string | null, networkId: string, logs: TLogCap): Dockerode.ContainerCreateOptions {
  const { ExposedPorts, PortBindings } = portConfig(spec);
  return {
    name: infraName(spec),
    Image: image,
    // PID 1 ignores SIGTERM unless it traps it; trap it so `stop` is quick.
    Cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"],
    Labels: labels(spec, "infra", -1, "infra"),
    Hostname: `set-${spec.setId.slice(-12)}`,
    ExposedPorts,
    HostConfig: {
      ...HARDENING,
      PortBindings,
      LogConfig: logConfig(logs),
      IpcMode: "shareable",
      NetworkMode: networkId,
      Sysctls: { ...spec.sysctls } as Record<string, string>,
      CgroupParent: setCgroupParent(spec.setId),
      Memory: INFRA_MEMORY_BYTES,
      // No CFS quota of its own: a 0.1-core quota throttled runc's start-up inside the container
      // and cost ~100 ms per set create. The infra process sleeps; the set's parent cgroup caps
      // it with everything else, and a low weight keeps it last in line.
      CpuShares: 2,
      PidsLimit: 64,
      // Never started by Docker on its own (boot, dockerd restart): it would bind the empty mount
      // point before the agent has attached the set's volume, and the set would write to the
      // host's disk. The agent starts it, after the volume, when the console asks (reconcile).
      RestartPolicy: { Name: "no" },
      // The set's capped XFS volume, mounted by the agent at a path of its own choosing (never a
      // path from a request); business containers get it through VolumesFrom.
      Mounts: volumeSource ? [{ Type: "bind", Source: volumeSource, Target: spec.volumePath }] : [],
    },
    // A pinned address and the set's DNS names on the team bridge (Berth's plan), else Docker's choice.
    NetworkingConfig: {
      EndpointsConfig: {
        [networkId]: spec.network ? { IPAMConfig: { IPv4Address: spec.network.ip }, Aliases: [...spec.network.aliases] } : {},
      },
    },
  };
}

/**
 * What makes a business container what it is: image, env, command. A container whose hash differs
 * from its spec is replaced (a canary); limits are not in it, they are changed in place.
 */
export function containerSpecHash(c: Pick<TContainerSpec, "image" | "env" | "command">): string {
  const env = Object.entries(c.env).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash("sha256").update(JSON.stringify([c.image, env, c.command ?? null])).digest("hex").slice(0, 16);
}

export function appConfig(spec: TSetSpec, c: TContainerSpec, infraId: string, logs: TLogCap): Dockerode.ContainerCreateOptions {
  return {
    name: appName(spec, c),
    Image: c.image,
    Env: Object.entries(c.env).map(([k, v]) => `${k}=${v}`),
    ...(c.command ? { Cmd: [...c.command] } : {}),
    Labels: { ...labels(spec, "app", c.index, c.name), [LABEL.specHash]: containerSpecHash(c) },
    HostConfig: {
      ...HARDENING,
      ...containerLimits(spec, c),
      // tini as PID 1: signals reach the app, so a stop takes a moment instead of the 10 s kill timeout.
      Init: true,
      LogConfig: logConfig(logs),
      NetworkMode: `container:${infraId}`,
      IpcMode: `container:${infraId}`,
      VolumesFrom: [infraId],
      CgroupParent: setCgroupParent(spec.setId),
      PidsLimit: 4096,
      RestartPolicy: { Name: "unless-stopped" },
    },
  };
}

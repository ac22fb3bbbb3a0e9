import net from "node:net";
import os from "node:os";
import type { DockerEngine } from "../docker/engine";
import { LABEL, type TEndpointProbe } from "../../lib/protocol/agent";

const PROBE_TIMEOUT_MS = 1000;
const MAX_PROBES = 2048;

/**
 * Where this host's published ports are reached: BERTH_HOST_ADDRESS when set, else the first
 * IPv4 address of an interface that is neither loopback nor one of Docker's (bridges, veths).
 */
export function hostAddress(configured: string | undefined): string {
  if (configured) return configured;
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    if (/^(docker|br-|veth)/.test(name)) continue;
    const v4 = (addrs ?? []).find((a) => a.family === "IPv4" && !a.internal);
    if (v4) return v4.address;
  }
  return "127.0.0.1";
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, timeout: PROBE_TIMEOUT_MS });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/** A TCP connect to every published TCP port of this host's running sets (UDP has no connect to try). */
export async function probeEndpoints(engine: DockerEngine, hostId: string): Promise<TEndpointProbe[]> {
  const infras = await engine.listByLabels({ [LABEL.host]: hostId, [LABEL.role]: "infra" });
  const targets = infras
    .filter((c) => c.state === "running" && c.labels[LABEL.set])
    .flatMap((c) => c.published.filter((p) => p.protocol === "tcp").map((p) => ({ setId: c.labels[LABEL.set], hostPort: p.hostPort })))
    .slice(0, MAX_PROBES);
  return Promise.all(targets.map(async (t) => ({ ...t, reachable: await connects(t.hostPort) })));
}

import { LABEL } from "../../lib/protocol/agent";
import type { DockerEngine } from "../docker/engine";
import { ACK_EXPOSED } from "../../lib/protocol/ack";

export class StreamError extends Error {
  readonly [ACK_EXPOSED] = true as const;
  constructor(readonly code: "NOT_FOUND" | "NOT_RUNNING" | "NO_SHELL" | "LIMIT" | "DOCKER", message: string) {
    super(message);
  }
}

/** The labels that find business container `name` of set `setId` on this host (never the infra one). */
export function businessContainerLabels(hostId: string, setId: string, name: string): Record<string, string> {
  return { [LABEL.set]: setId, [LABEL.host]: hostId, [LABEL.role]: "app", [LABEL.name]: name };
}

/**
 * The business container `name` of set `setId` on this host, found by labels. `role=app` is part
 * of the lookup, so the infra container cannot be reached whatever name is asked for (a business
 * container may even be called "infra").
 */
export async function findBusinessContainer(
  engine: DockerEngine,
  hostId: string,
  setId: string,
  name: string,
  opts: { mustRun: boolean },
): Promise<{ id: string }> {
  const found = await engine.listByLabels(businessContainerLabels(hostId, setId, name));
  const c = found[0];
  if (!c) throw new StreamError("NOT_FOUND", "Container not found");
  if (opts.mustRun && c.state !== "running") throw new StreamError("NOT_RUNNING", `Container ${name} is ${c.state}, not running`);
  return { id: c.id };
}

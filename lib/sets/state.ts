import type { TContainerStatus, TDockerState, TSetStatus } from "../protocol/agent";

export type TSetStateName = "Pending" | "Creating" | "Running" | "Degraded" | "Stopped" | "Failed" | "Deleting";
export type TContainerStateName = "Pending" | "Created" | "Running" | "Exited" | "Dead" | "Unknown";

export function containerState(s: TDockerState): TContainerStateName {
  switch (s) {
    case "running":
    case "restarting":
    case "paused":
      return s === "running" ? "Running" : "Unknown";
    case "created":
      return "Created";
    case "exited":
      return "Exited";
    case "dead":
    case "removing":
      return "Dead";
    case "missing":
      return "Pending";
  }
}

/**
 * The set's state from what Docker reports and what the owner wants. `expected` is the number of
 * business containers the spec has, so a half-created set is not mistaken for a running one.
 */
export function deriveSetState(
  status: TSetStatus | null,
  expected: number,
  desiredRunning: boolean,
): { state: TSetStateName; reason: string | null } {
  if (!status) return { state: desiredRunning ? "Creating" : "Stopped", reason: desiredRunning ? "no containers on the host yet" : null };
  const infra = status.containers.find((c) => c.role === "infra");
  const apps = status.containers.filter((c) => c.role === "app");
  const running = (c: TContainerStatus | undefined) => c?.state === "running";
  if (!desiredRunning) {
    const anyRunning = status.containers.some((c) => running(c));
    return anyRunning ? { state: "Degraded", reason: "stop requested; containers still running" } : { state: "Stopped", reason: null };
  }
  if (!infra || apps.length < expected) {
    return { state: "Creating", reason: `${apps.filter(running).length} of ${expected} containers running` };
  }
  if (running(infra) && apps.every(running)) return { state: "Running", reason: null };
  const down = [...(running(infra) ? [] : [infra]), ...apps.filter((c) => !running(c))];
  const why = down
    .map((c) => `${c.name} ${c.oomKilled ? "was OOM-killed" : c.state}${c.exitCode !== null ? ` (exit ${c.exitCode})` : ""}`)
    .join(", ");
  return { state: "Degraded", reason: why };
}

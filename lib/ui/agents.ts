import type { THost } from "../protocol/api";

/**
 * A host whose agent the console can upgrade: it runs a bundle (an agent run from a checkout is
 * updated with the checkout) other than the one this console serves, and is connected.
 */
export function agentUpgradable(h: Pick<THost, "agentVersion" | "latestAgentVersion" | "status">): boolean {
  return Boolean(h.agentVersion && h.latestAgentVersion && !h.agentVersion.endsWith("+source") && h.agentVersion !== h.latestAgentVersion && h.status !== "Unreachable");
}

import { requireAdmin } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { AppError, conflict, notFound } from "../errors";
import { agentUpgrade } from "../realtime/agents";
import { requireAgentBundle } from "./agent-bundle";

/**
 * Tells one host's agent to become the bundle this console serves. The agent downloads it,
 * checks its SHA-256, test-starts it, swaps it in and restarts; its containers keep running, and
 * its next heartbeat reports the new version. A failure leaves the old agent in place and says why.
 */
export async function upgradeHostAgent(p: TPrincipal, hostId: string): Promise<{ hostId: string; from: string; to: string }> {
  requireAdmin(p);
  const host = await db().host.findUnique({ where: { id: hostId }, select: { id: true, name: true, revokedAt: true, agentVersion: true } });
  if (!host || host.revokedAt) throw notFound("Host");
  const bundle = requireAgentBundle();
  if (host.agentVersion === bundle.version) throw conflict(`The agent of ${host.name} already runs ${bundle.version}`);
  let result: { from: string; to: string };
  try {
    result = await agentUpgrade(hostId, { version: bundle.version, sha256: bundle.sha256 });
  } catch (err) {
    await recordAudit(db(), actorOf(p), {
      action: "host.upgrade_failed",
      targetType: "host",
      targetId: hostId,
      details: { name: host.name, from: host.agentVersion, to: bundle.version, error: (err as Error).message.slice(0, 500) },
    });
    const agentCode = err instanceof AppError ? err.details?.agentCode : undefined;
    if (agentCode === "UNSUPPORTED") throw conflict((err as Error).message);
    throw err;
  }
  await recordAudit(db(), actorOf(p), { action: "host.upgrade", targetType: "host", targetId: hostId, details: { name: host.name, ...result } });
  return { hostId, ...result };
}

import { randomUUID } from "node:crypto";
import { requireAdmin } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { conflict, notFound } from "../errors";
import { connectedHostIds } from "../realtime/agents";
import { callAgent } from "../realtime/gateway";
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
    result = await callAgent(hostId, "agent:upgrade", { version: bundle.version, sha256: bundle.sha256 });
  } catch (err) {
    await recordAudit(db(), actorOf(p), {
      action: "host.upgrade_failed",
      targetType: "host",
      targetId: hostId,
      details: { name: host.name, from: host.agentVersion, to: bundle.version, error: (err as Error).message.slice(0, 500) },
    });
    // An agent too old to upgrade itself answers UNSUPPORTED, which the gateway makes a 409.
    throw err;
  }
  await recordAudit(db(), actorOf(p), { action: "host.upgrade", targetType: "host", targetId: hostId, details: { name: host.name, ...result } });
  return { hostId, ...result };
}

const UPGRADE_WAIT_MS = 90_000;

/** Hosts whose connected agent runs another bundle than this console serves (checkout agents excluded). */
async function outdatedHosts(version: string): Promise<Array<{ id: string; name: string }>> {
  const connected = new Set(await connectedHostIds());
  const hosts = await db().host.findMany({
    where: { revokedAt: null, agentVersion: { not: null } },
    orderBy: { name: "asc" },
    select: { id: true, name: true, agentVersion: true },
  });
  return hosts.filter((h) => connected.has(h.id) && h.agentVersion !== version && !h.agentVersion?.endsWith("+source"));
}

async function waitForVersion(hostId: string, version: string): Promise<boolean> {
  const deadline = Date.now() + UPGRADE_WAIT_MS;
  while (Date.now() < deadline) {
    const h = await db().host.findUnique({ where: { id: hostId }, select: { agentVersion: true, status: true } });
    if (h?.agentVersion === version && h.status === "Ready" && (await connectedHostIds()).includes(hostId)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/**
 * Upgrades every outdated agent, one host at a time: the next starts only once the previous one
 * is back, Ready, on the new version. The first failure stops the rollout with its reason (like
 * a canary: one bad host, not all of them). Progress is an operation (`GET /api/v1/operations/{id}`).
 */
export async function startUpgradeAll(p: TPrincipal): Promise<{ operationId: string; hosts: number }> {
  requireAdmin(p);
  const bundle = requireAgentBundle();
  const hosts = await outdatedHosts(bundle.version);
  const operationId = randomUUID();
  await db().$transaction(async (tx) => {
    await tx.operation.create({ data: { id: operationId, kind: "hosts.upgrade", status: "Running", payload: { total: hosts.length, moved: 0, to: bundle.version } } });
    await recordAudit(tx, actorOf(p), { action: "hosts.upgrade_all", targetType: "host", details: { to: bundle.version, hosts: hosts.map((h) => h.name), operationId } });
  });
  void (async () => {
    let done = 0;
    for (const h of hosts) {
      try {
        await upgradeHostAgent(p, h.id);
        if (!(await waitForVersion(h.id, bundle.version))) throw new Error(`its agent did not come back on ${bundle.version} within ${UPGRADE_WAIT_MS / 1000} s`);
      } catch (err) {
        await db().operation.update({ where: { id: operationId }, data: { status: "Failed", error: `${h.name}: ${(err as Error).message}`.slice(0, 2000) } });
        return;
      }
      done++;
      await db().operation.update({ where: { id: operationId }, data: { payload: { total: hosts.length, moved: done, to: bundle.version } } });
    }
    await db().operation.update({ where: { id: operationId }, data: { status: "Succeeded" } });
  })().catch((err: unknown) => console.error("[upgrade] rollout failed", err));
  return { operationId, hosts: hosts.length };
}

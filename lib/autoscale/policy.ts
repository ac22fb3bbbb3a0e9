import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { db } from "../db";
import { notFound } from "../errors";
import type { AutoscalePolicy } from "../generated/prisma/client";
import { ZAutoscaleNeed, type TAutoscalePut, type TAutoscaleView } from "../protocol/autoscale";
import { autoscaleLive } from "./state";

/** A blocked scale-out's need as stored: the amounts plus which limit stopped it. */
export function blockedKind(need: unknown): "quota" | "capacity" {
  return (need as { kind?: unknown } | null)?.kind === "capacity" ? "capacity" : "quota";
}

export function toAutoscaleView(p: AutoscalePolicy): TAutoscaleView {
  const live = autoscaleLive().get(p.appId);
  const need = ZAutoscaleNeed.safeParse(p.blockedNeed);
  return {
    minReplicas: p.minReplicas,
    maxReplicas: p.maxReplicas,
    cpuTargetPercent: p.cpuTargetPercent,
    memoryTargetPercent: p.memoryTargetPercent,
    scaleOutStabilizationSeconds: p.scaleOutStabilizationSeconds,
    scaleInStabilizationSeconds: p.scaleInStabilizationSeconds,
    lastScaleAt: p.lastScaleAt?.toISOString() ?? null,
    lastDecision: p.lastDecision,
    blocked:
      p.blockedReason && p.blockedSince
        ? { kind: blockedKind(p.blockedNeed), reason: p.blockedReason, since: p.blockedSince.toISOString(), need: need.success ? need.data : null }
        : null,
    current: live
      ? {
          at: new Date(live.at).toISOString(),
          runningSets: live.runningSets,
          cpuPercent: live.cpuPercent,
          memoryPercent: live.memoryPercent,
          desiredReplicas: live.desiredReplicas,
        }
      : null,
  };
}

async function appOf(p: TPrincipal, teamSlug: string, name: string, min: "VIEWER" | "MEMBER") {
  const { team } = await requireTeam(p, teamSlug, min);
  const app = await db().app.findFirst({ where: { teamId: team.id, name, deletedAt: null }, select: { id: true, name: true } });
  if (!app) throw notFound("App");
  return { team, app };
}

/** GET …/autoscale: the policy and what the autoscaler last did; 404 when autoscaling is off. */
export async function getAutoscale(p: TPrincipal, teamSlug: string, name: string): Promise<TAutoscaleView> {
  const { app } = await appOf(p, teamSlug, name, "VIEWER");
  const policy = await db().autoscalePolicy.findUnique({ where: { appId: app.id } });
  if (!policy) throw notFound("Autoscale policy");
  return toAutoscaleView(policy);
}

/** PUT …/autoscale: switches autoscaling on or changes it; the leader applies it on its next pass. */
export async function putAutoscale(p: TPrincipal, teamSlug: string, name: string, body: TAutoscalePut): Promise<TAutoscaleView> {
  const { team, app } = await appOf(p, teamSlug, name, "MEMBER");
  const rules = {
    minReplicas: body.minReplicas,
    maxReplicas: body.maxReplicas,
    cpuTargetPercent: body.cpuTargetPercent,
    memoryTargetPercent: body.memoryTargetPercent ?? null,
    scaleOutStabilizationSeconds: body.scaleOutStabilizationSeconds,
    scaleInStabilizationSeconds: body.scaleInStabilizationSeconds,
  };
  const policy = await db().$transaction(async (tx) => {
    const before = await tx.autoscalePolicy.findUnique({ where: { appId: app.id } });
    const saved = await tx.autoscalePolicy.upsert({
      where: { appId: app.id },
      create: { appId: app.id, ...rules, createdById: p.userId },
      update: rules,
    });
    await recordAudit(tx, actorOf(p), {
      teamId: team.id,
      action: before ? "app.autoscale.update" : "app.autoscale.enable",
      targetType: "app",
      targetId: app.id,
      details: { name: app.name, ...rules },
    });
    return saved;
  });
  return toAutoscaleView(policy);
}

/** DELETE …/autoscale: autoscaling off; the app keeps the replica count it has now. */
export async function deleteAutoscale(p: TPrincipal, teamSlug: string, name: string): Promise<void> {
  const { team, app } = await appOf(p, teamSlug, name, "MEMBER");
  await db().$transaction(async (tx) => {
    const { count } = await tx.autoscalePolicy.deleteMany({ where: { appId: app.id } });
    if (count === 0) throw notFound("Autoscale policy");
    await recordAudit(tx, actorOf(p), { teamId: team.id, action: "app.autoscale.disable", targetType: "app", targetId: app.id, details: { name: app.name } });
  });
  autoscaleLive().delete(app.id);
}

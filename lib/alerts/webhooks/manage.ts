import { requireAdmin, requireTeam } from "../../auth/authorize";
import type { TPrincipal } from "../../auth/principal";
import { actorOf, recordAudit } from "../../audit";
import { db } from "../../db";
import { notFound } from "../../errors";
import type { Webhook } from "../../generated/prisma/client";
import type { TAlertRule, TWebhook, TWebhookCreate, TWebhookDelivery } from "../../protocol/alerts";
import { enqueueTestDelivery } from "./deliver";

/**
 * A team's webhooks are managed and seen by its owners (and admins): their URLs often carry a
 * credential of their own (Slack's do). Platform webhooks (no team) are for admins.
 */

/** `team` null: the platform's webhooks. Answers the team's id (null for the platform). */
async function scope(p: TPrincipal, team: string | null): Promise<{ teamId: string | null; slug: string | null }> {
  if (team === null) {
    requireAdmin(p);
    return { teamId: null, slug: null };
  }
  const t = (await requireTeam(p, team, "OWNER")).team;
  return { teamId: t.id, slug: t.slug };
}

const LAST = { orderBy: { createdAt: "desc" as const }, take: 1, select: { status: true, statusCode: true, createdAt: true, attemptedAt: true } };

function view(w: Webhook & { deliveries: Array<{ status: TWebhookDelivery["status"]; statusCode: number | null; createdAt: Date; attemptedAt: Date | null }> }, slug: string | null): TWebhook {
  const last = w.deliveries[0];
  return {
    id: w.id,
    team: slug,
    url: w.url,
    events: w.events as TAlertRule[],
    createdAt: w.createdAt.toISOString(),
    lastDelivery: last ? { status: last.status, statusCode: last.statusCode, at: (last.attemptedAt ?? last.createdAt).toISOString() } : null,
  };
}

export async function listWebhooks(p: TPrincipal, team: string | null): Promise<TWebhook[]> {
  const s = await scope(p, team);
  const rows = await db().webhook.findMany({ where: { teamId: s.teamId }, include: { deliveries: LAST }, orderBy: { createdAt: "asc" } });
  return rows.map((w) => view(w, s.slug));
}

export async function createWebhook(p: TPrincipal, team: string | null, input: TWebhookCreate): Promise<TWebhook> {
  const s = await scope(p, team);
  const events = [...new Set(input.events ?? [])];
  const row = await db().$transaction(async (tx) => {
    const created = await tx.webhook.create({ data: { teamId: s.teamId, url: input.url, events, secret: input.secret, createdById: p.userId } });
    await recordAudit(tx, actorOf(p), { teamId: s.teamId, action: "webhook.create", targetType: "webhook", targetId: created.id, details: { url: input.url, events } });
    return created;
  });
  return view({ ...row, deliveries: [] }, s.slug);
}

async function webhookIn(p: TPrincipal, team: string | null, id: string): Promise<{ hook: Webhook; slug: string | null }> {
  const s = await scope(p, team);
  const hook = await db().webhook.findUnique({ where: { id } });
  // Another team's webhook answers as one that does not exist.
  if (!hook || hook.teamId !== s.teamId) throw notFound("Webhook");
  return { hook, slug: s.slug };
}

export async function deleteWebhook(p: TPrincipal, team: string | null, id: string): Promise<{ ok: true }> {
  const { hook } = await webhookIn(p, team, id);
  await db().$transaction(async (tx) => {
    await tx.webhook.delete({ where: { id: hook.id } });
    await recordAudit(tx, actorOf(p), { teamId: hook.teamId, action: "webhook.delete", targetType: "webhook", targetId: hook.id, details: { url: hook.url } });
  });
  return { ok: true };
}

/** Newest first, at most 200 attempts. */
export async function listDeliveries(p: TPrincipal, team: string | null, id: string): Promise<TWebhookDelivery[]> {
  const { hook } = await webhookIn(p, team, id);
  const rows = await db().webhookDelivery.findMany({ where: { webhookId: hook.id }, orderBy: [{ createdAt: "desc" }, { attempt: "desc" }], take: 200 });
  return rows.map((d) => ({
    id: d.id,
    eventId: d.eventId,
    event: d.event,
    alertId: d.alertId,
    attempt: d.attempt,
    status: d.status,
    statusCode: d.statusCode,
    error: d.error,
    durationMs: d.durationMs,
    scheduledAt: d.scheduledAt.toISOString(),
    attemptedAt: d.attemptedAt?.toISOString() ?? null,
    nextRetryAt: d.nextRetryAt?.toISOString() ?? null,
  }));
}

export async function sendTestDelivery(p: TPrincipal, team: string | null, id: string): Promise<{ eventId: string; deliveryId: string }> {
  const { hook, slug } = await webhookIn(p, team, id);
  const d = await enqueueTestDelivery(hook.id, slug);
  return { eventId: d.eventId, deliveryId: d.id };
}

import { createHmac, randomUUID } from "node:crypto";
import { isLeader } from "../../cluster/leader";
import { db } from "../../db";
import { publicUrl, settings } from "../../env";
import type { Alert, Prisma, WebhookDelivery } from "../../generated/prisma/client";
import { alertLink } from "../links";

/**
 * Webhook deliveries. Every attempt is a WebhookDelivery row: firing or resolving an alert writes
 * one pending row per matching webhook, and the leader's worker sends what is due. A failed attempt
 * writes the next one (exponential backoff with jitter) until BERTH_WEBHOOK_RETRY_FOR_SECONDS after
 * the first, so retries outlive the replica that started them.
 */

export const SIGNATURE_HEADER = "X-Berth-Signature";

/** `sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook's secret>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Seconds before attempt `attempt + 1`: base·2^(attempt−1), at most 10 minutes, times 0.75–1.25. */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random = Math.random()): number {
  const plain = Math.min(600, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return plain * (0.75 + random * 0.5);
}

async function alertPayload(a: Alert, event: string): Promise<Prisma.InputJsonObject> {
  const team = a.teamId ? await db().team.findUnique({ where: { id: a.teamId }, select: { slug: true } }) : null;
  const link = new URL(alertLink(a), publicUrl()).toString();
  const where = team ? `team ${team.slug}` : "platform";
  const verb = a.state === "firing" ? `:rotating_light: [FIRING ${a.severity}]` : ":white_check_mark: [RESOLVED]";
  return {
    text: `${verb} ${a.rule} on ${a.objectKind} ${a.objectName} (${where}): ${a.message} <${link}|open in Berth>`,
    event,
    alert: {
      id: a.id,
      rule: a.rule,
      severity: a.severity,
      state: a.state,
      team: team?.slug ?? null,
      object: { kind: a.objectKind, id: a.objectId, name: a.objectName },
      message: a.message,
      details: (a.details ?? {}) as Prisma.InputJsonObject,
      firstSeenAt: a.firstSeenAt.toISOString(),
      lastSeenAt: a.lastSeenAt.toISOString(),
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
      url: link,
    },
  };
}

/** One pending delivery per webhook that hears this alert: the team's own and the platform's. */
export async function enqueueAlertDeliveries(a: Alert): Promise<number> {
  const hooks = await db().webhook.findMany({
    where: { OR: [{ teamId: null }, ...(a.teamId ? [{ teamId: a.teamId }] : [])] },
    select: { id: true, events: true },
  });
  const hearing = hooks.filter((h) => h.events.length === 0 || h.events.includes(a.rule));
  if (hearing.length === 0) return 0;
  const event = a.state === "firing" ? "alert.firing" : "alert.resolved";
  const payload = await alertPayload(a, event);
  await db().webhookDelivery.createMany({
    data: hearing.map((h) => ({ webhookId: h.id, alertId: a.id, event, eventId: randomUUID(), attempt: 1, payload })),
  });
  kickDeliveries();
  return hearing.length;
}

/** A test delivery to one webhook, whatever its rule filter. */
export async function enqueueTestDelivery(webhookId: string, teamSlug: string | null): Promise<WebhookDelivery> {
  const eventId = randomUUID();
  const row = await db().webhookDelivery.create({
    data: {
      webhookId,
      event: "test",
      eventId,
      attempt: 1,
      payload: {
        text: `:wave: Test delivery from Berth (${teamSlug ? `team ${teamSlug}` : "platform"}): this webhook is reachable and its signature can be checked.`,
        event: "test",
        alert: null,
        team: teamSlug,
        sentBy: publicUrl().origin,
      },
    },
  });
  kickDeliveries();
  return row;
}

interface TAttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

async function post(url: string, secret: string, d: WebhookDelivery): Promise<TAttemptResult> {
  const body = JSON.stringify(d.payload);
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(settings().BERTH_WEBHOOK_TIMEOUT_SECONDS * 1000),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Berth-Webhook/1",
        [SIGNATURE_HEADER]: signBody(secret, body),
        "X-Berth-Timestamp": String(Math.floor(Date.now() / 1000)),
        "X-Berth-Event": d.event,
        "X-Berth-Delivery": d.eventId,
        "X-Berth-Attempt": String(d.attempt),
      },
      body,
    });
    // The answer's body is not used; read it off so the connection is released.
    await res.arrayBuffer().catch((err: unknown) => console.warn(`[webhooks] answer body of ${d.id} not read: ${(err as Error).message}`));
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === "TimeoutError" ? `no answer within ${settings().BERTH_WEBHOOK_TIMEOUT_SECONDS} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, statusCode: null, error: why.slice(0, 500), durationMs: Math.round(performance.now() - started) };
  }
}

async function attempt(id: string): Promise<void> {
  const d = await db().webhookDelivery.findUnique({ where: { id }, include: { webhook: { select: { url: true, secret: true } } } });
  if (!d) return;
  const r = await post(d.webhook.url, d.webhook.secret, d);
  let nextRetryAt: Date | null = null;
  if (!r.ok) {
    const s = settings();
    const first = await db().webhookDelivery.findFirst({ where: { eventId: d.eventId }, orderBy: { attempt: "asc" }, select: { scheduledAt: true } });
    const at = new Date(Date.now() + retryDelaySeconds(d.attempt, s.BERTH_WEBHOOK_RETRY_BASE_SECONDS) * 1000);
    if (at.getTime() <= (first?.scheduledAt ?? d.scheduledAt).getTime() + s.BERTH_WEBHOOK_RETRY_FOR_SECONDS * 1000) nextRetryAt = at;
  }
  await db().$transaction([
    db().webhookDelivery.update({
      where: { id },
      data: { status: r.ok ? "delivered" : "failed", statusCode: r.statusCode, error: r.error, durationMs: r.durationMs, nextRetryAt },
    }),
    ...(nextRetryAt
      ? [
          db().webhookDelivery.create({
            data: { webhookId: d.webhookId, alertId: d.alertId, event: d.event, eventId: d.eventId, attempt: d.attempt + 1, payload: d.payload as Prisma.InputJsonValue, scheduledAt: nextRetryAt },
          }),
        ]
      : []),
  ]);
}

let running: Promise<void> | null = null;
let again = false;

/** Sends every due attempt (a few at a time); rows a dead leader left `sending` go back to pending. */
export async function deliverDue(): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      const stuckAfterMs = (settings().BERTH_WEBHOOK_TIMEOUT_SECONDS + 30) * 1000;
      await db().webhookDelivery.updateMany({ where: { status: "sending", attemptedAt: { lt: new Date(Date.now() - stuckAfterMs) } }, data: { status: "pending" } });
      for (;;) {
        const claimed = await db().$queryRaw<Array<{ id: string }>>`
          UPDATE "WebhookDelivery" SET status = 'sending'::"WebhookDeliveryStatus", "attemptedAt" = CURRENT_TIMESTAMP
           WHERE id IN (SELECT id FROM "WebhookDelivery"
                         WHERE status = 'pending'::"WebhookDeliveryStatus" AND "scheduledAt" <= CURRENT_TIMESTAMP
                         ORDER BY "scheduledAt" LIMIT 16 FOR UPDATE SKIP LOCKED)
          RETURNING id`;
        if (claimed.length === 0) break;
        await Promise.all(claimed.map((c) => attempt(c.id).catch((err: unknown) => console.error(`[webhooks] delivery ${c.id} not recorded`, err))));
      }
    } while (again);
  })().finally(() => {
    running = null;
  });
  return running;
}

/** Deliveries just written go now rather than at the worker's next tick, when this replica leads. */
function kickDeliveries(): void {
  if (!isLeader()) return;
  setImmediate(() => void deliverDue().catch((err: unknown) => console.error("[webhooks] delivery round failed", err)));
}

import { isLeader } from "../cluster/leader";
import { db } from "../db";
import { settings } from "../env";
import { ALERT_RULES } from "../protocol/alerts";
import { RULES } from "./rules";
import { syncRule } from "./store";
import { deliverDue } from "./webhooks/deliver";

/** Every rule once: fire what holds, resolve what cleared. A failing rule does not stop the others. */
export async function evaluateAlerts(): Promise<void> {
  for (const rule of ALERT_RULES) {
    try {
      await syncRule(rule, RULES[rule]);
    } catch (err) {
      console.error(`[alerts] rule ${rule} not evaluated`, err);
    }
  }
}

/** History past BERTH_ALERT_RETENTION_DAYS: resolved alerts and finished delivery attempts. */
export async function pruneAlertHistory(now = Date.now()): Promise<{ alerts: number; deliveries: number }> {
  const before = new Date(now - settings().BERTH_ALERT_RETENTION_DAYS * 86_400_000);
  const deliveries = await db().webhookDelivery.deleteMany({ where: { createdAt: { lt: before }, status: { in: ["delivered", "failed"] } } });
  const alerts = await db().alert.deleteMany({ where: { state: "resolved", resolvedAt: { lt: before } } });
  return { alerts: alerts.count, deliveries: deliveries.count };
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Leader work: the rules every BERTH_ALERT_EVAL_SECONDS, the webhook deliveries due every
 * second, and history past its retention every hour. Followers skip their turns; a new leader picks up the persisted state where it was.
 */
export function startAlertEngine(): { close(): void } {
  let evaluating = false;
  const rules = setInterval(() => {
    if (!isLeader() || evaluating) return;
    evaluating = true;
    evaluateAlerts().finally(() => {
      evaluating = false;
    });
  }, settings().BERTH_ALERT_EVAL_SECONDS * 1000);
  const deliveries = setInterval(() => {
    if (isLeader()) deliverDue().catch((err: unknown) => console.error("[webhooks] delivery round failed", err));
  }, 1000);
  const prune = setInterval(() => {
    if (isLeader()) pruneAlertHistory().catch((err: unknown) => console.error("[alerts] history not pruned", err));
  }, PRUNE_EVERY_MS);
  return {
    close: () => {
      clearInterval(rules);
      clearInterval(deliveries);
      clearInterval(prune);
    },
  };
}

import { isLeader } from "../cluster/leader";
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

/**
 * Leader work: the rules every BERTH_ALERT_EVAL_SECONDS and the webhook deliveries due every
 * second. Followers skip their turns; a new leader picks up the persisted state where it was.
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
  return {
    close: () => {
      clearInterval(rules);
      clearInterval(deliveries);
    },
  };
}

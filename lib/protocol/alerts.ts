import { z } from "zod";

/** The alert rules the leader evaluates (API.md "Alerts and webhooks"). */
export const ALERT_RULES = ["oom_killed", "crash_loop", "set_unhealthy", "host_not_ready", "quota_near_limit", "volume_near_full", "autoscale_blocked"] as const;
export const ZAlertRule = z.enum(ALERT_RULES);
export type TAlertRule = z.infer<typeof ZAlertRule>;

export const ZAlertSeverity = z.enum(["info", "warning", "critical"]);
export type TAlertSeverity = z.infer<typeof ZAlertSeverity>;
export const ZAlertState = z.enum(["firing", "resolved"]);
export type TAlertState = z.infer<typeof ZAlertState>;

export const ZAlertObjectKind = z.enum(["container", "set", "app", "host", "team"]);
export type TAlertObjectKind = z.infer<typeof ZAlertObjectKind>;

export const ZAlert = z.object({
  id: z.string(),
  rule: ZAlertRule,
  severity: ZAlertSeverity,
  state: ZAlertState,
  object: z.object({ kind: ZAlertObjectKind, id: z.string(), name: z.string() }),
  message: z.string(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type TAlert = z.infer<typeof ZAlert>;

export const ZAlertQuery = z.strictObject({
  state: ZAlertState.optional(),
  rule: ZAlertRule.optional(),
  severity: ZAlertSeverity.optional(),
});
export type TAlertQuery = z.infer<typeof ZAlertQuery>;

/** Where a webhook may point: an absolute http(s) URL without credentials in it. */
const ZWebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => URL.canParse(v) && ["http:", "https:"].includes(new URL(v).protocol), "an absolute http:// or https:// URL")
  .refine((v) => !URL.canParse(v) || (!new URL(v).username && !new URL(v).password), "no user or password in the URL: the secret signs deliveries");

export const ZWebhookCreate = z.strictObject({
  url: ZWebhookUrl,
  /** Rules the webhook hears; omitted or empty: every rule. */
  events: z.array(ZAlertRule).max(ALERT_RULES.length).optional(),
  /** Signs every delivery (HMAC-SHA256 of the body); not shown again. */
  secret: z.string().min(8, "at least 8 characters").max(256),
});
export type TWebhookCreate = z.infer<typeof ZWebhookCreate>;

export const ZWebhook = z.object({
  id: z.string(),
  team: z.string().nullable(),
  url: z.string(),
  events: z.array(ZAlertRule),
  createdAt: z.string(),
  /** The newest attempt's outcome, for the list. */
  lastDelivery: z.object({ status: z.enum(["pending", "sending", "delivered", "failed"]), statusCode: z.number().int().nullable(), at: z.string() }).nullable(),
});
export type TWebhook = z.infer<typeof ZWebhook>;

export const ZWebhookDelivery = z.object({
  id: z.string(),
  eventId: z.string(),
  event: z.string(),
  alertId: z.string().nullable(),
  attempt: z.number().int(),
  status: z.enum(["pending", "sending", "delivered", "failed"]),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  scheduledAt: z.string(),
  attemptedAt: z.string().nullable(),
  nextRetryAt: z.string().nullable(),
});
export type TWebhookDelivery = z.infer<typeof ZWebhookDelivery>;

export const ZWebhookTestQueued = z.object({ eventId: z.string(), deliveryId: z.string() });

/** Pushed to a team's room (platform alerts: admins) when one of its alerts fires or resolves. */
export const ZAlertChanged = z.object({ id: z.string(), teamId: z.string().nullable(), rule: ZAlertRule, state: ZAlertState });
export type TAlertChanged = z.infer<typeof ZAlertChanged>;

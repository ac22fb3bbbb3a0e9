import { z } from "zod";
import * as alerts from "./alerts";
import type { TEndpoint } from "./openapi";

/** Alerts and webhooks (issue 13), spread into the published surface by openapi.ts. */
export const ALERT_ENDPOINTS: TEndpoint[] = [
  { method: "get", path: "/api/v1/teams/{team}/alerts", operationId: "listTeamAlerts", summary: "A team's alerts, firing first then newest (at most 500); filter by state, rule, severity", auth: "user", query: alerts.ZAlertQuery, response: z.array(alerts.ZAlert) },
  { method: "get", path: "/api/v1/alerts", operationId: "listAlerts", summary: "Every alert: the platform's (hosts) and every team's", auth: "admin", query: alerts.ZAlertQuery, response: z.array(alerts.ZAlert) },
  { method: "get", path: "/api/v1/teams/{team}/webhooks", operationId: "listTeamWebhooks", summary: "A team's webhooks (owners)", auth: "user", response: z.array(alerts.ZWebhook) },
  { method: "post", path: "/api/v1/teams/{team}/webhooks", operationId: "createTeamWebhook", summary: "Deliver the team's alerts to a URL, signed `X-Berth-Signature: sha256=<HMAC-SHA256 of the body with secret>` (owners)", auth: "user", body: alerts.ZWebhookCreate, response: alerts.ZWebhook, status: 201 },
  { method: "delete", path: "/api/v1/teams/{team}/webhooks/{id}", operationId: "deleteTeamWebhook", summary: "Remove a webhook and its delivery log (owners)", auth: "user" },
  { method: "get", path: "/api/v1/teams/{team}/webhooks/{id}/deliveries", operationId: "listTeamWebhookDeliveries", summary: "Delivery attempts, newest first, with status codes and retries (owners)", auth: "user", response: z.array(alerts.ZWebhookDelivery) },
  { method: "post", path: "/api/v1/teams/{team}/webhooks/{id}/test", operationId: "testTeamWebhook", summary: "Queue a test delivery (retried like any other)", auth: "user", response: alerts.ZWebhookTestQueued, status: 202 },
  { method: "get", path: "/api/v1/webhooks", operationId: "listPlatformWebhooks", summary: "Platform webhooks: they hear every alert, platform and teams", auth: "admin", response: z.array(alerts.ZWebhook) },
  { method: "post", path: "/api/v1/webhooks", operationId: "createPlatformWebhook", summary: "Deliver every alert to a URL, signed like team webhooks", auth: "admin", body: alerts.ZWebhookCreate, response: alerts.ZWebhook, status: 201 },
  { method: "delete", path: "/api/v1/webhooks/{id}", operationId: "deletePlatformWebhook", summary: "Remove a platform webhook", auth: "admin" },
  { method: "get", path: "/api/v1/webhooks/{id}/deliveries", operationId: "listPlatformWebhookDeliveries", summary: "A platform webhook's delivery attempts", auth: "admin", response: z.array(alerts.ZWebhookDelivery) },
  { method: "post", path: "/api/v1/webhooks/{id}/test", operationId: "testPlatformWebhook", summary: "Queue a test delivery to a platform webhook", auth: "admin", response: alerts.ZWebhookTestQueued, status: 202 },
];

-- Alerts and webhooks (issue 13).

-- When a set's state last changed, kept by a trigger so every writer of "state" (sync, reconciler,
-- drain, scale…) keeps it without knowing: set_unhealthy fires on sets Failed or Degraded too long.
ALTER TABLE "Set" ADD COLUMN "stateSince" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
CREATE FUNCTION "berth_set_state_since"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."state" IS DISTINCT FROM OLD."state" THEN
    NEW."stateSince" := CURRENT_TIMESTAMP;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "Set_stateSince" BEFORE UPDATE OF "state" ON "Set"
  FOR EACH ROW EXECUTE FUNCTION "berth_set_state_since"();

-- Exits of a container whose set should run, within the crash_loop window.
ALTER TABLE "Container" ADD COLUMN "recentExits" TIMESTAMP(3)[] NOT NULL DEFAULT ARRAY[]::TIMESTAMP(3)[];

-- What a set volume's file system holds (a little under its nominal size): volume_near_full's measure.
ALTER TABLE "Volume" ADD COLUMN "capacityBytes" BIGINT;

CREATE TYPE "AlertSeverity" AS ENUM ('info', 'warning', 'critical');
CREATE TYPE "AlertState" AS ENUM ('firing', 'resolved');
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'sending', 'delivered', 'failed');

CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "teamId" TEXT,
    "rule" TEXT NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "state" "AlertState" NOT NULL DEFAULT 'firing',
    "objectKind" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "objectName" TEXT NOT NULL,
    "appId" TEXT,
    "setId" TEXT,
    "hostId" TEXT,
    "message" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Alert_teamId_state_idx" ON "Alert"("teamId", "state");
CREATE INDEX "Alert_state_rule_idx" ON "Alert"("state", "rule");
-- Deduplication: at most one firing alert per rule and object, whichever replica raises it.
CREATE UNIQUE INDEX "Alert_firing_rule_object_key" ON "Alert"("rule", "objectKind", "objectId") WHERE "state" = 'firing';
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL,
    "teamId" TEXT,
    "url" TEXT NOT NULL,
    "events" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "secret" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Webhook_teamId_idx" ON "Webhook"("teamId");
ALTER TABLE "Webhook" ADD CONSTRAINT "Webhook_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "alertId" TEXT,
    "event" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "statusCode" INTEGER,
    "error" TEXT,
    "durationMs" INTEGER,
    "scheduledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attemptedAt" TIMESTAMP(3),
    "nextRetryAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "WebhookDelivery_status_scheduledAt_idx" ON "WebhookDelivery"("status", "scheduledAt");
CREATE INDEX "WebhookDelivery_webhookId_createdAt_idx" ON "WebhookDelivery"("webhookId", "createdAt");
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE SET NULL ON UPDATE CASCADE;

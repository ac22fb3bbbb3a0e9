-- An app's autoscale policy (issue 13): bounds, targets and damping, plus the autoscaler's last
-- decision and whether a wanted scale-out is blocked (read by the autoscale_blocked alert rule).
CREATE TABLE "AutoscalePolicy" (
    "appId" TEXT NOT NULL,
    "minReplicas" INTEGER NOT NULL,
    "maxReplicas" INTEGER NOT NULL,
    "cpuTargetPercent" INTEGER NOT NULL,
    "memoryTargetPercent" INTEGER,
    "scaleOutStabilizationSeconds" INTEGER NOT NULL,
    "scaleInStabilizationSeconds" INTEGER NOT NULL,
    "lastScaleAt" TIMESTAMP(3),
    "lastDecision" TEXT,
    "blockedReason" TEXT,
    "blockedSince" TIMESTAMP(3),
    "blockedNeed" JSONB,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "AutoscalePolicy_pkey" PRIMARY KEY ("appId")
);
ALTER TABLE "AutoscalePolicy" ADD CONSTRAINT "AutoscalePolicy_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

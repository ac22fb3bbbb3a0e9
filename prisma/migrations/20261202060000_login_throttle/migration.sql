-- The login limiter's counts, shared by every console replica (one row per limited key: an IP,
-- an account, an account from an IP). Rows past "expiresAt" mean nothing and are pruned.
CREATE TABLE "LoginThrottleEntry" (
    "key" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "LoginThrottleEntry_pkey" PRIMARY KEY ("key")
);
CREATE INDEX "LoginThrottleEntry_expiresAt_idx" ON "LoginThrottleEntry"("expiresAt");

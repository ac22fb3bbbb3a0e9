-- CreateTable
CREATE TABLE "MetricRollup" (
    "setId" TEXT NOT NULL,
    "container" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "cpuAvg" DOUBLE PRECISION NOT NULL,
    "cpuMax" DOUBLE PRECISION NOT NULL,
    "memoryAvg" BIGINT NOT NULL,
    "memoryMax" BIGINT NOT NULL,
    "memoryLimit" BIGINT NOT NULL,
    "netRxRate" DOUBLE PRECISION NOT NULL,
    "netTxRate" DOUBLE PRECISION NOT NULL,
    "blkReadRate" DOUBLE PRECISION NOT NULL,
    "blkWriteRate" DOUBLE PRECISION NOT NULL,
    "pidsMax" INTEGER NOT NULL,

    CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("setId","container","at")
);

-- CreateIndex
CREATE INDEX "MetricRollup_at_idx" ON "MetricRollup"("at");

-- AddForeignKey
ALTER TABLE "MetricRollup" ADD CONSTRAINT "MetricRollup_setId_fkey" FOREIGN KEY ("setId") REFERENCES "Set"("id") ON DELETE CASCADE ON UPDATE CASCADE;

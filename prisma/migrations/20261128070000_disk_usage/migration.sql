-- Disk accounting: writable layers per container, Berth's share of each host's disk.
ALTER TABLE "Container" ADD COLUMN "diskBytes" BIGINT;

ALTER TABLE "Host" ADD COLUMN "containersDiskBytes" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "volumesUsedBytes" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "trashBytes" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "diskMeasuredAt" TIMESTAMP(3);

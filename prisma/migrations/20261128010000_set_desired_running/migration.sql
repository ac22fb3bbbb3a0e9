-- AlterTable: whether the owner wants the set running (Stopped vs Degraded).
ALTER TABLE "Set" ADD COLUMN "desiredRunning" BOOLEAN NOT NULL DEFAULT true;

-- OOM kills inside a container (a killed child process does not stop the container, so Docker's
-- OOMKilled state never shows it): how many, the last one, and what filled the memory.
ALTER TABLE "Container" ADD COLUMN "oomKills" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "lastOomAt" TIMESTAMP(3),
ADD COLUMN "lastOomCause" TEXT;

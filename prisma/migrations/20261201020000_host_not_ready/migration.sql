-- A host whose agent is connected but whose Docker engine fails or hangs is NotReady; since when
-- (any status) tells the reconciler when to move its sets.
ALTER TYPE "HostStatus" ADD VALUE 'NotReady';
ALTER TABLE "Host" ADD COLUMN "statusSince" TIMESTAMP(3);

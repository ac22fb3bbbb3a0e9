-- The team's limits at the moment a quota request is decided (issue 15): approving overwrites them,
-- so without this a decided request could no longer show what it changed.
ALTER TABLE "QuotaRequest" ADD COLUMN "limitsBefore" JSONB;

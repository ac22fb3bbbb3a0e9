-- Whether a set's volume holds any file (null: not measured yet). A set whose volume holds data
-- waits for its lost host instead of being restarted empty elsewhere (POST /sets/{id}/recover).
ALTER TABLE "Volume" ADD COLUMN "holdsData" BOOLEAN;

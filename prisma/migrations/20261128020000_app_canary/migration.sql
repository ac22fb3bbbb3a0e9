-- AlterTable: the running canary of an app (container, images, sets), null when none.
ALTER TABLE "App" ADD COLUMN "canary" JSONB;

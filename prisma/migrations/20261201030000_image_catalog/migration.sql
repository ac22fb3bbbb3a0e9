-- The image catalog: one row per repository tag in Berth's registry (the old Image table was never
-- written). Sets remember the digest their image resolved to.
DROP TABLE "Image";

CREATE TABLE "Image" (
    "id" TEXT NOT NULL,
    "teamId" TEXT,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL DEFAULT 0,
    "layers" JSONB NOT NULL DEFAULT '[]',
    "pushedBy" TEXT,
    "pushedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Image_repository_tag_key" ON "Image"("repository", "tag");
CREATE INDEX "Image_teamId_idx" ON "Image"("teamId");
ALTER TABLE "Image" ADD CONSTRAINT "Image_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Container" ADD COLUMN "imageDigest" TEXT;

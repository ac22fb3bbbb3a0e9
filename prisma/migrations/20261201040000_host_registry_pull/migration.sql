-- Whether each host could pull from Berth's registry with its credential, as its agent last found.
ALTER TABLE "Host" ADD COLUMN "registryPullOk" BOOLEAN;
ALTER TABLE "Host" ADD COLUMN "registryPullError" TEXT;
ALTER TABLE "Host" ADD COLUMN "registryCheckedAt" TIMESTAMP(3);

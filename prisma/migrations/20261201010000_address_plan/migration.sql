-- Berth's address plan: a subnet per team per host, a pinned address per set.
CREATE TABLE "TeamSubnet" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "cidr" TEXT NOT NULL,
    "gateway" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "emptySince" TIMESTAMP(3),

    CONSTRAINT "TeamSubnet_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "TeamSubnet_cidr_key" ON "TeamSubnet"("cidr");
CREATE UNIQUE INDEX "TeamSubnet_teamId_hostId_key" ON "TeamSubnet"("teamId", "hostId");
CREATE INDEX "TeamSubnet_hostId_idx" ON "TeamSubnet"("hostId");
ALTER TABLE "TeamSubnet" ADD CONSTRAINT "TeamSubnet_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TeamSubnet" ADD CONSTRAINT "TeamSubnet_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Set" ADD COLUMN "subnetId" TEXT;
CREATE INDEX "Set_subnetId_idx" ON "Set"("subnetId");
ALTER TABLE "Set" ADD CONSTRAINT "Set_subnetId_fkey" FOREIGN KEY ("subnetId") REFERENCES "TeamSubnet"("id") ON DELETE SET NULL ON UPDATE CASCADE;
-- Not expressible in schema.prisma: two live sets never hold one address of a subnet.
CREATE UNIQUE INDEX "Set_subnetId_ip_live_key" ON "Set"("subnetId", "ip") WHERE "deletedAt" IS NULL;

-- Published endpoints: the app's ports, each set's host ports, the host's address.
ALTER TABLE "App" ADD COLUMN "ports" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "Set" ADD COLUMN "hostPorts" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "Host" ADD COLUMN "address" TEXT;

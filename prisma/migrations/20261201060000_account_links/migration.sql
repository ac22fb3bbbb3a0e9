-- Accounts are created by admins or through one-use links; a user's sessions carry an epoch that
-- a password change ("sign out everywhere") or an admin's reset raises.
ALTER TABLE "User" ADD COLUMN "sessionEpoch" INTEGER NOT NULL DEFAULT 0;

CREATE TYPE "AccountLinkKind" AS ENUM ('INVITE', 'RESET');

CREATE TABLE "AccountLink" (
    "id" TEXT NOT NULL,
    "kind" "AccountLinkKind" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "teamId" TEXT,
    "role" "TeamRole",
    "userId" TEXT,
    "createdById" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AccountLink_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "AccountLink_tokenHash_key" ON "AccountLink"("tokenHash");
CREATE INDEX "AccountLink_teamId_idx" ON "AccountLink"("teamId");
CREATE INDEX "AccountLink_email_idx" ON "AccountLink"("email");
ALTER TABLE "AccountLink" ADD CONSTRAINT "AccountLink_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "AccountLink" ADD CONSTRAINT "AccountLink_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "AccountLink" ADD CONSTRAINT "AccountLink_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

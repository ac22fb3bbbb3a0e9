-- A token minted with another token remembers its parent: it expires no later and is revoked with it.
-- lastUsedIp: the address a token was last used from, shown on the Tokens page.
ALTER TABLE "ApiToken" ADD COLUMN "parentId" TEXT;
ALTER TABLE "ApiToken" ADD COLUMN "lastUsedIp" TEXT;
CREATE INDEX "ApiToken_parentId_idx" ON "ApiToken"("parentId");
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "ApiToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;

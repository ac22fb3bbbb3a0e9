import { defineConfig } from "prisma/config";

// DATABASE_URL is only read by `prisma migrate deploy` / `prisma studio`; Berth itself
// applies migrations at start with lib/db/migrate.ts and never needs the schema engine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/berth" },
});

import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { databaseUrl } from "./env";

export type TDb = PrismaClient;
export type TTx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

// server.ts and Next's bundled route handlers load separate copies of this module;
// keeping the client on globalThis gives them one pool.
const holder = globalThis as unknown as { berthDb?: PrismaClient };

export function db(): PrismaClient {
  if (!holder.berthDb) {
    const url = databaseUrl();
    if (!url) throw new Error("DATABASE_URL is not set: the console sets it once Postgres is up");
    holder.berthDb = new PrismaClient({
      adapter: new PrismaPg({ connectionString: url, max: 10 }),
      // Quota reservations queue on a row lock under bursts of creates; Prisma's defaults
      // (2 s to get a connection, 5 s per transaction) turn that queue into 500s.
      transactionOptions: { maxWait: 15_000, timeout: 30_000 },
    });
  }
  return holder.berthDb;
}

export async function closeDb(): Promise<void> {
  if (holder.berthDb) {
    await holder.berthDb.$disconnect();
    holder.berthDb = undefined;
  }
}

/**
 * Prisma's error classes can load twice (server.ts under tsx, route handlers under Next), so
 * `instanceof` is unreliable across them; the error code is not.
 */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

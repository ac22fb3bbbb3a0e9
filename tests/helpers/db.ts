import pg from "pg";

/** Runs `fn` with a connected client on `databaseUrl`, closing it afterwards. */
export async function withPg<T>(databaseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** One query, straight to Postgres: for checking what the console really stored. */
export function sql<R extends pg.QueryResultRow>(databaseUrl: string, text: string, params: unknown[] = []): Promise<R[]> {
  return withPg(databaseUrl, async (c) => (await c.query<R>(text, params)).rows);
}

/** The same server as `databaseUrl`, another database. */
export function databaseUrlFor(databaseUrl: string, database: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

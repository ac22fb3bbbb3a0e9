import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsole } from "../helpers/console";

/** What an operator sees when the console cannot start. */
describe("console start-up failures", () => {
  const blocker = net.createServer();
  let takenPort: number;

  beforeAll(async () => {
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    takenPort = (blocker.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });

  it("a taken Postgres port stops the console with Postgres' own reason, not a bare 'undefined'", async () => {
    // mode "prod": the console dies before Next starts, and in dev mode the project's own console
    // already holds Next's one-dev-server-per-directory lock.
    const err = await startConsole({ env: { BERTH_PG_PORT: String(takenPort) }, mode: "prod", startTimeoutMs: 60_000 }).then(
      async (c) => {
        await c.stop();
        throw new Error("the console started on a taken Postgres port");
      },
      (e: Error) => e,
    );
    expect(err.message).toContain("console exited (1)");
    expect(err.message).toContain(`embedded Postgres did not start on 127.0.0.1:${takenPort}`);
    expect(err.message).toMatch(/Address already in use/);
  });
});

import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Three projects:
 * - unit: pure logic, no database, no server (lib/**\/*.test.ts and tests/unit).
 * - integration: HTTP + Socket.IO against one real console (real embedded Postgres) started by
 *   tests/setup/console.global.ts for the whole project run.
 * - e2e: a browser (playwright-core + system Chromium) against its own console.
 * Integration and e2e files share their console, so they run one file at a time.
 */
export default defineConfig({
  resolve: { alias: [{ find: /^@\//, replacement: `${root}/` }] },
  test: {
    // globalSetup teardown stops a console (SIGTERM, then SIGKILL): give it room.
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "tests/unit/**/*.test.ts"],
          exclude: ["lib/generated/**", "node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          environment: "node",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/setup/console.global.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          environment: "node",
          include: ["tests/e2e/**/*.e2e.test.ts"],
          globalSetup: ["tests/setup/console.global.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});

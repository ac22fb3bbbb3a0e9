import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/console";
import { consoleInfo } from "../helpers/context";

/**
 * The document the console serves passes an independent linter, Redocly's recommended ruleset,
 * with no errors and no warnings: client generators get servers, operationIds and error answers.
 */
const c = consoleInfo();
const run = promisify(execFile);

interface TLintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer?: string }> }>;
}

describe("GET /api/v1/openapi.json", () => {
  it("passes `redocly lint` (recommended rules) with no errors and no warnings", async () => {
    const res = await fetch(new URL("/api/v1/openapi.json", c.url));
    expect(res.status).toBe(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-openapi-"));
    try {
      const file = path.join(dir, "openapi.json");
      fs.writeFileSync(file, await res.text());
      const cli = path.join(REPO_ROOT, "node_modules", ".bin", "redocly");
      // lint exits non-zero on errors; the JSON report on stdout is read either way.
      const out = await run(cli, ["lint", file, "--format=json", "--max-problems=1000"], {
        cwd: dir,
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        maxBuffer: 32 * 1024 * 1024,
      }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }));
      const report = JSON.parse(out.stdout) as TLintReport;
      const problems = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`);
      expect(problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

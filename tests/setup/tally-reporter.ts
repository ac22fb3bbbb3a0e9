import fs from "node:fs";
import type { Reporter, TestCase } from "vitest/node";

/**
 * Appends one JSON line per finished test to $BERTH_TEST_TALLY. vitest writes its JSON report
 * only when a run ends normally; scripts/test.mjs falls back to this tally when a run was
 * interrupted, so the tests that did run are still counted.
 */
export default class TallyReporter implements Reporter {
  private readonly file = process.env.BERTH_TEST_TALLY ?? "";

  onTestCaseResult(testCase: TestCase): void {
    if (!this.file) return;
    const line = { state: testCase.result().state, module: testCase.module.moduleId, name: testCase.fullName };
    fs.appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }
}

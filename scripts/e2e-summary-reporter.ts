// Prints one plain closing line that CI log readers understand:
//   e2e: N passed, M failed[, K skipped]
import type { FullResult, Reporter, Suite, TestError } from '@playwright/test/reporter';

export default class E2eSummaryReporter implements Reporter {
  private root: Suite | undefined;
  private globalErrors = 0;

  onBegin(_config: unknown, suite: Suite): void {
    this.root = suite;
  }

  onError(_error: TestError): void {
    this.globalErrors++;
  }

  onEnd(result: FullResult): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.root?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === 'expected' || outcome === 'flaky') {
        if (test.results.length === 0 || test.expectedStatus === 'skipped') skipped++;
        else passed++;
      } else if (outcome === 'unexpected') failed++;
      else skipped++;
    }
    // Web server that never came up, config/global-setup error, timeout: no test failed, but the run did.
    if (failed === 0 && (result.status !== 'passed' || this.globalErrors > 0)) failed = 1;
    process.stdout.write(`\ne2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}

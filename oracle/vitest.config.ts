// The oracle's tests on their own: `npx vitest run --config oracle/vitest.config.ts`.
// They run on the real kernel (root; one file at a time, the differential ones two runs at a
// time, see oracle/diffSuite.ts). The closing lines: oracle/diffReporter.ts (what ran on
// both), then the summary (`vitest: N passed, M failed`).
import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  test: {
    include: ['oracle/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 900_000,
    reporters: ['default', './oracle/diffReporter.ts', './scripts/vitest-summary-reporter.ts'],
  },
});

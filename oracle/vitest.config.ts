// The oracle's tests on their own: `npx vitest run --config oracle/vitest.config.ts`.
// They run on the real kernel (root, one at a time: every run is a real namespace setup).
import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  test: {
    include: ['oracle/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
  },
});

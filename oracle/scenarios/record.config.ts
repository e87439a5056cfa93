// Runs the model's own tests (src/kernel) once more, recording every call sequence their
// 6.18 kernels apply (record.setup.ts), for the differential scenarios (recorded.ts).
// Not a test run of its own: `npm run test:kernel` starts it when the sources changed.
import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['src/kernel/**/*.test.ts'],
    // generated sequences (the differential runs its own), other releases
    exclude: ['src/kernel/properties.test.ts', 'src/kernel/versions.test.ts'],
    environment: 'node',
    setupFiles: ['oracle/scenarios/record.setup.ts'],
    reporters: ['dot'],
  },
});

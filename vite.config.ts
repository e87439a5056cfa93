// `defineConfig` from vitest/config so the `test` key is typed.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

export default defineConfig({
  // Relative asset URLs: the static build works under any base path (sub-folder hosting, file servers).
  base: './',
  plugins: [react()],
  build: {
    rolldownOptions: {
      // Vite 8: `rollupOptions` is a deprecated alias. This silences the [PLUGIN_TIMINGS] block.
      checks: { bundlerTimings: false },
      input: { main: resolve(import.meta.dirname, 'index.html') },
      output: {
        codeSplitting: {
          // Without a named group the shared vendor chunk gets named after a CSS import.
          groups: [
            {
              name: 'vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|@xyflow|zustand|classcat|d3-[a-z-]+|use-sync-external-store|@dagrejs)[\\/]/,
            },
          ],
        },
      },
    },
    // Monaco's editor.api chunk is about 2.7 MB by design (it will be lazy-loaded).
    chunkSizeWarningLimit: 3000,
  },
  worker: { format: 'es' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  test: {
    // Not the default include: it would also pick up e2e/*.spec.ts (Playwright) files.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    passWithNoTests: true,
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
  },
});

import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/demo/chromium';

const PORT = 4173;
const BASE_URL = `http://127.0.0.1:${PORT}/`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['./scripts/e2e-summary-reporter.ts']],
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    // Playwright's own browser downloads are not available here: the system (Debian) Chromium.
    launchOptions: {
      executablePath: findChromium(),
      args: CHROMIUM_ARGS,
    },
    screenshot: 'only-on-failure',
  },
  // Serves the production build: `npm run test:e2e` runs `vite build` first.
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});

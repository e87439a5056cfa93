import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// Playwright's own browser downloads are not available here: use the system (Debian) Chromium.
// /usr/lib/chromium/chromium skips the Debian wrapper script and its noisy stderr line.
function findChromium(): string {
  const candidates = [
    process.env.CHROMIUM_PATH,
    process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE,
    '/usr/lib/chromium/chromium',
    '/usr/bin/chromium',
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium found (looked at: ${candidates.join(', ')}). ` +
        'Install it with `apt-get install -y chromium` or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
  return found;
}

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
    launchOptions: {
      executablePath: findChromium(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
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

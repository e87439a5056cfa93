/**
 * The system Chromium the e2e tests and the demos drive (Playwright cannot download its
 * own browsers here), and the flags it runs with.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** CHROMIUM_PATH, PLAYWRIGHT_CHROMIUM_EXECUTABLE, or Debian's Chromium; a clear error without one.
 * /usr/lib/chromium/chromium skips the Debian wrapper script and its noisy stderr line. */
export function findChromium(): string {
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

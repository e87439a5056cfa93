/**
 * `npm run demo -- NAME [--out DIR]`: drives the real page (the production build, served by
 * `vite preview`, in the system Chromium) through the gallery example NAME step by step and
 * writes a storyboard: DIR/NAME/NN.png per step (the caption on top), DIR/NAME/NAME.apng.png
 * (all the steps, animated) and DIR/NAME/README.md (each step's caption and picture).
 * DIR defaults to storyboards/. Builds dist/ first when it is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './demo/chromium';
import { playStoryboard } from './demo/storyboard';

const GALLERY_DIR = 'src/scenario/gallery';

async function waitFor(url: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

export async function demo(name: string, outDir = 'storyboards', port = 4175): Promise<string[]> {
  const file = join(GALLERY_DIR, `${name}.scn`);
  if (!/^[a-z0-9_]+$/.test(name) || !existsSync(file)) {
    const names = readdirSync(GALLERY_DIR).filter((f) => f.endsWith('.scn')).map((f) => f.slice(0, -4));
    throw new Error(`no gallery example "${name}": one of ${names.join(', ')}`);
  }
  if (!existsSync('dist/index.html')) spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const base = `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    await waitFor(base);
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    const board = await playStoryboard(page, base, name, readFileSync(file, 'utf8'), join(outDir, name), (l) => console.log(l));
    return board.files;
  } finally {
    await browser.close();
    if (server.pid) try { process.kill(-server.pid); } catch { /* gone */ }
  }
}

if (process.argv[1] && /demo\.ts$/.test(process.argv[1])) {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const oi = args.indexOf('--out');
  const out = oi >= 0 ? args.splice(oi, 2)[1] : undefined;
  if (args.length !== 1) {
    console.error('usage: npm run demo -- NAME [--out DIR]   (NAME: a gallery example, e.g. link_pinning)');
    process.exitCode = 2;
  } else {
    demo(args[0]!, out).then((files) => console.log(`wrote ${files.length} files to ${join(out ?? 'storyboards', args[0]!)}`), (e: Error) => { console.error(e.message); process.exitCode = 1; });
  }
}

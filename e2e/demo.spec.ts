import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { chunks } from '../scripts/demo/apng';
import { playStoryboard } from '../scripts/demo/storyboard';
import { parse, runScenario } from '../src/scenario/index';

// `npm run demo` plays a gallery example through the real page; the same code, on the test's page.
test('a storyboard: one PNG per step with its caption, an animated PNG of them all, a README', async ({ page, baseURL }, info) => {
  const text = readFileSync('src/scenario/gallery/fork_dup.scn', 'utf8');
  const p = parse(text);
  if (!p.ok) throw new Error(p.error.message);
  const run = await runScenario(p.scenario);
  const dir = info.outputPath('storyboard');
  const board = await playStoryboard(page, baseURL!, 'fork_dup', text, dir);

  const steps = run.steps.length; // step 0 (the boot) and one per action
  expect(board.captions).toEqual(run.steps.map((s) => s.caption));
  const pngs = board.files.filter((f) => /\/\d\d\.png$/.test(f)).sort();
  expect(pngs).toHaveLength(steps);
  const first = chunks(readFileSync(pngs[0]!));
  expect(first[0]?.type).toBe('IHDR');
  expect(first[0]!.data.readUInt32BE(0)).toBe(page.viewportSize()!.width);
  // the animation: one frame per step (acTL's num_frames), every frame after the first an fdAT
  const anim = chunks(readFileSync(join(dir, 'fork_dup.apng.png')));
  const actl = anim.find((c) => c.type === 'acTL')!;
  expect(actl.data.readUInt32BE(0)).toBe(steps);
  expect(anim.filter((c) => c.type === 'fcTL')).toHaveLength(steps);
  const md = readFileSync(join(dir, 'README.md'), 'utf8');
  expect(md).toContain(`${steps - 1}. ${run.steps.at(-1)!.caption}`);
  expect(md).toContain('![step 0](00.png)');
});

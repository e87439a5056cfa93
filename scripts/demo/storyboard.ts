/**
 * A storyboard: the page opened on a scenario (a share link), stepped from the first step
 * to the last with the real "Step forward" button, a screenshot per step (the caption on
 * top), then one animated PNG of them all and a README listing each step's caption.
 * `npm run demo` (scripts/demo.ts) and the e2e test (e2e/demo.spec.ts) both play it.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { encodeShare } from '../../src/scenario/share';
import { apng } from './apng';

export interface Storyboard {
  /** Every file written, in `dir`. */
  files: string[];
  /** The caption of each step (index: step). */
  captions: string[];
}

export async function playStoryboard(page: Page, base: string, name: string, text: string, dir: string,
  log: (line: string) => void = () => {}): Promise<Storyboard> {
  mkdirSync(dir, { recursive: true });
  await page.goto(`${base}${encodeShare(text, 0)}`);
  const count = page.getByTestId('step-count');
  await count.waitFor();
  await page.waitForFunction(() => /^Step 0 \/ [1-9]/.test(document.querySelector('[data-testid="step-count"]')?.textContent ?? ''));
  const last = Number(/\/ (\d+)/.exec((await count.textContent()) ?? '')![1]);
  const frames: Buffer[] = [];
  const captions: string[] = [];
  const md = [`# ${name}`, ''];
  for (let i = 0; i <= last; i++) {
    if (i > 0) await page.getByRole('button', { name: 'Step forward', exact: true }).click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="step-count"]')?.textContent?.startsWith(`Step ${n} /`), i);
    await page.waitForTimeout(350); // the graph's transition
    const png = await page.screenshot();
    const f = `${String(i).padStart(2, '0')}.png`;
    writeFileSync(join(dir, f), png);
    frames.push(png);
    const caption = (await page.getByTestId('caption').textContent())?.replace(/^\d+\s*/, '').trim() ?? '';
    captions.push(caption);
    md.push(`${i}. ${caption}`, '', `   ![step ${i}](${f})`, '');
    log(`step ${i}/${last}: ${caption}`);
  }
  writeFileSync(join(dir, `${name}.apng.png`), apng(frames, 1800));
  writeFileSync(join(dir, 'README.md'), md.join('\n'));
  return { files: readdirSync(dir).map((f) => join(dir, f)), captions };
}

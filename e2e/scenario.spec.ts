import { expect, test } from '@playwright/test';
import { Playground, blockNonLocal } from './playground';

test.use({ viewport: { width: 1280, height: 800 } });

// A gallery example run in the scenario panel, stepped through, shared as a link and opened
// from it; broken links open the page with a notice.
test('run a gallery example, step through it, share it, open the link', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await page.getByRole('tab', { name: 'Scenario' }).click();
  await page.getByRole('combobox', { name: 'Example' }).selectOption('pin_exit_bpftool');
  await pg.button('Load example').click();
  await expect(page.getByTestId('scenario-text')).toHaveValue(/^title Pin, exit, and bpftool finds it/);
  await pg.button('Run scenario').click();
  await expect(page.getByTestId('scenario-summary')).toHaveText('13 of 13 expectations held');
  await expect(page.getByRole('list', { name: 'Expectations' }).getByRole('listitem')).toHaveCount(13);
  await expect(page.getByTestId('step-count')).toHaveText(/^Step 0 \/ 9$/);

  await pg.button('Step forward').click();
  await pg.button('Step forward').click();
  await pg.button('Step forward').click();
  await expect(pg.caption).toContainText('loader (pid 100): bpf(BPF_RAW_TRACEPOINT_OPEN');
  await expect(page.getByTestId('scenario-step-line')).toHaveText('step 3: line 8');
  await expect(pg.nodes('link')).toHaveCount(1);
  await pg.shot('scenario-panel');

  await pg.button('Copy share link').click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link).toMatch(/#s=1\.[A-Za-z0-9+\-$]+$/);
  expect(page.url()).toBe(link);

  const other = await context.newPage();
  const errors: string[] = [];
  other.on('pageerror', (e) => errors.push(e.message));
  await other.goto(link);
  await expect(other.getByTestId('step-count')).toHaveText(/^Step 3 \/ 9$/);
  await expect(other.getByTestId('caption')).toContainText('BPF_RAW_TRACEPOINT_OPEN');
  await expect(other.getByTestId('scenario-text')).toHaveValue(/^title Pin, exit, and bpftool finds it/);
  await expect(other.getByTestId('scenario-summary')).toHaveText('13 of 13 expectations held');
  expect(errors).toEqual([]);
  expect(pg.errors).toEqual([]);
  expect(pg.blocked).toEqual([]);
});

for (const [name, hash, notice] of [
  ['a damaged link', '#s=1.N4IgLiBcIM4A4EMDuA7ABHAOiukMCcB7AczQF40AjOAMzQCEAFAMQH1GAlAeQHFWAZLgEEAIgRKswATzgBTMkz', /damaged/],
  ['an unknown format', '#s=9.N4IgLiBcIgNCBnKAGeALKIAcBGHBjATgBN8BWEAXyA', /format 9.*does not know/],
  ['a script in the link', '#s=1.<img src=x onerror=alert(1)>', /damaged/],
] as const) {
  test(`${name} opens the page with a notice, not a blank page`, async ({ page, context }) => {
    await blockNonLocal(context);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
    await page.goto(`./${hash}`);
    await expect(page.getByTestId('share-notice')).toContainText(notice);
    // the page still works: the default story is there
    await expect(page.getByRole('region', { name: 'Reference graph' }).locator('.react-flow__node').first()).toBeVisible();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.getByTestId('share-notice')).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}

// Every gallery example through the UI: loaded from the Example list, run into the history,
// its expectations all held, and stepped to its last step.
const GALLERY_IDS = ['link_pinning', 'link_pinning_libbpf', 'crash_without_pin', 'pin_exit_bpftool', 'fork_dup', 'legacy_cgroup_abandoned',
  'link_detach_cgroup', 'link_update', 'xdp_one_link', 'tcx_list', 'iter_pin', 'before_5_7'];
test('every gallery example runs through the UI with all its expectations held', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const options = await page.getByRole('combobox', { name: 'Example' }).locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options).toEqual(GALLERY_IDS);
  for (const id of GALLERY_IDS) {
    await page.getByRole('combobox', { name: 'Example' }).selectOption(id);
    await pg.button('Load example').click();
    await pg.button('Run scenario').click();
    await expect(page.getByTestId('scenario-summary'), id).toHaveText(/^(\d+) of \1 expectations held$/);
    await expect(page.getByRole('list', { name: 'Expectations' }).locator('[data-ok="false"]'), id).toHaveCount(0);
    await pg.button('Last step').click();
    await expect(page.getByTestId('step-count'), id).toHaveText(/^Step (\d+) \/ \1$/);
  }
  expect(pg.errors).toEqual([]);
});

test('the Monaco scenario editor: the text, error markers at line and column, the step line', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await page.getByRole('tab', { name: 'Scenario' }).click();
  await page.getByRole('combobox', { name: 'Example' }).selectOption('fork_dup');
  await pg.button('Load example').click();
  await page.getByRole('checkbox', { name: 'Editor' }).check();
  const editor = page.getByTestId('scenario-editor');
  await expect(editor.locator('.monaco-editor')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.scenarioEditor?.getValue() ?? '')).toMatch(/^title Fork and dup share one file/);
  await pg.button('Run scenario').click();
  await expect(page.getByTestId('scenario-summary')).toHaveText(/^(\d+) of \1 expectations held$/);
  await pg.button('Step forward').click();
  await expect(editor.locator('.scenario-step-line')).toHaveCount(1);
  // a parse error becomes a marker
  await page.evaluate(() => window.scenarioEditor!.setValue('spawn p\n# note\np: frob $x "s" 1 BPF_X\n'));
  // comments, keywords, names, $names, strings, numbers and constants are highlighted apart
  await expect.poll(async () => new Set(await editor.locator('.view-line span span').evaluateAll((ss) => ss.map((s) => s.className))).size).toBeGreaterThan(5);
  await pg.button('Run scenario').click();
  await expect(page.getByTestId('scenario-error')).toHaveText('line 3, column 4: unknown call "frob": one of fork, exit, close, dup, open, mkdir, rmdir, unlink, rename, bpf, libbpf, netlinkXdpAttach, netlinkVethAdd, netlinkLinkDel');
  await expect(editor.locator('.squiggly-error')).toHaveCount(1);
  await pg.shot('scenario-editor');
  expect(pg.errors).toEqual([]);
});

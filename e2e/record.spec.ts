import { expect, test, type Page } from '@playwright/test';
import { Playground } from './playground';

test.use({ viewport: { width: 1280, height: 800 } });

/** The history's commands, as the store holds them (what a replay must make again). */
const commands = (page: Page): Promise<string> =>
  page.evaluate(() => JSON.stringify(window.playground!.state().steps.map((s) => s.command)));

const text = (page: Page) => page.getByTestId('scenario-text');
const recordBox = (page: Page) => page.getByRole('checkbox', { name: 'Record actions' });
const scenarioTab = (page: Page) => page.getByRole('tab', { name: 'Scenario' }).click();

// Clicks in the panels and a console line become scenario lines as they happen; the text,
// with an expectation added by hand, runs back into the same history; an action at an
// earlier step drops the later lines; recording can be paused.
test('every action is recorded as a scenario line, and the text replays to the same history', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await pg.newEmptyKernel();
  await pg.spawn('loader');
  await pg.createMap('counts');
  await pg.loadProgram({ section: 'raw_tp', name: 'counter', maps: ['fd 3 (map counts)'] });
  await pg.attach('sys_enter');
  await pg.pin('fd 5: link 1', '/sys/fs/bpf/counter_link');
  expect(await pg.fire('tracepoint:sys_enter')).toContain('ran counter');
  await pg.tab('Processes');
  await pg.button('Fork pid 100').click();
  await pg.button('Close fd 5 of pid 100').click();
  await page.getByRole('tab', { name: 'Console (bpftool)' }).click();
  await page.getByLabel('Shell command').fill('bpftool link show');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('console-output')).toContainText("tp 'sys_enter'");
  await pg.exit(100);
  await expect(page.getByTestId('step-count')).toHaveText('Step 10 / 10');

  await scenarioTab(page);
  await expect(recordBox(page)).toBeChecked();
  const recorded = await text(page).inputValue();
  const lines = recorded.trimEnd().split('\n');
  expect(lines[0]).toBe('version 6.18');
  expect(lines[1]).toBe('spawn loader');
  expect(lines[2]).toMatch(/^loader: bpf BPF_MAP_CREATE .*map_name=counts/);
  expect(lines[3]).toMatch(/^loader: bpf BPF_PROG_LOAD .*prog_name=counter/);
  expect(lines.slice(4)).toEqual([
    'loader: bpf BPF_RAW_TRACEPOINT_OPEN name=sys_enter prog_fd=4',
    'loader: bpf BPF_OBJ_PIN bpf_fd=5 pathname=/sys/fs/bpf/counter_link',
    'trigger tracepoint:sys_enter',
    'loader: loader_child = fork',
    'loader: close 5',
    '$ bpftool link show',
    'loader: exit',
  ]);
  const before = await commands(page);

  // An expectation typed by hand stays; the next click goes after it.
  await text(page).fill(`${recorded}expect pin /sys/fs/bpf/counter_link\nexpect links 1\n`);
  await pg.spawn('rm');
  await expect(text(page)).toHaveValue(`${recorded}expect pin /sys/fs/bpf/counter_link\nexpect links 1\nspawn rm\n`);
  const withRm = await commands(page);
  expect(withRm.startsWith(before.slice(0, -1))).toBe(true);

  // Run it: the same commands, the expectations hold, and the step on view shows its line.
  await scenarioTab(page);
  await pg.button('Run scenario').click();
  await expect(page.getByTestId('scenario-summary')).toHaveText('2 of 2 expectations held');
  await expect(page.getByTestId('step-count')).toHaveText('Step 0 / 11');
  expect(await commands(page)).toBe(withRm);
  await pg.button('Last step').click();
  await expect(page.getByTestId('scenario-step-line')).toHaveText('step 11: line 14');
  await expect(pg.nodes('process')).toHaveCount(2);
  await expect(pg.node('link', 'link 1')).toHaveAttribute('data-state', 'attached');
  await expect(pg.node('pin', 'pin /sys/fs/bpf/counter_link')).toBeVisible();

  // After the run, a click at its last step is added to its text.
  await pg.unpin('/sys/fs/bpf/counter_link', 103); // bpftool ran as pid 102
  await scenarioTab(page);
  await expect(text(page)).toHaveValue(/\nspawn rm\nrm: unlink \/sys\/fs\/bpf\/counter_link\n$/);

  // An action at an earlier step: the later steps leave the history, and their lines the text.
  await pg.button('First step').click();
  for (let i = 0; i < 3; i++) await pg.button('Step forward').click();
  await pg.spawn('late');
  await scenarioTab(page);
  await expect(text(page)).toHaveValue(`${lines.slice(0, 4).join('\n')}\nspawn late\n`);
  await expect(page.getByTestId('scenario-recording')).toHaveText('The history went on from step 3: the lines of the 9 steps after it were removed.');

  // Paused: clicks leave the text alone; on again, it catches up.
  await recordBox(page).uncheck();
  await pg.exit(100);
  await scenarioTab(page);
  await expect(text(page)).toHaveValue(/\nspawn late\n$/);
  await recordBox(page).check();
  await expect(text(page)).toHaveValue(/\nspawn late\nloader: exit\n$/);
  await pg.shot('record-live');
  pg.expectClean();
});

test('a libbpf load from the editor becomes a source block; edits that change the actions pause recording', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await pg.newEmptyKernel();
  await pg.spawn('loader');
  await pg.loadWithLibbpf('link_pinning', { attach: true });
  await scenarioTab(page);
  const recorded = await text(page).inputValue();
  expect(recorded).toMatch(/^version 6\.18\nspawn loader\n```c test_link_pinning\.bpf\.c\n[^]*\n```\nloader: libbpf load_attach test_link_pinning\.bpf\.c\n$/);
  const before = await commands(page);
  await pg.button('Run scenario').click();
  await expect(page.getByTestId('step-count')).toHaveText('Step 0 / 2');
  expect(await commands(page)).toBe(before);

  // The text's actions edited by hand: a click does not overwrite it, and says why.
  const edited = recorded.replace('spawn loader', 'spawn other');
  await text(page).fill(edited);
  await pg.button('Last step').click();
  await pg.spawn('late');
  await scenarioTab(page);
  await expect(text(page)).toHaveValue(edited);
  await expect(recordBox(page)).not.toBeChecked();
  await expect(page.getByTestId('scenario-recording')).toContainText('Recording paused');
  // "Record history" starts again from the history.
  await pg.button('Record history').click();
  await expect(text(page)).toHaveValue(`${recorded}spawn late\n`);
  await expect(recordBox(page)).toBeChecked();
  pg.expectClean();
});

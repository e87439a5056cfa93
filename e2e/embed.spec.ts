import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

type Msg = { type: string; step?: number; total?: number; caption?: string; height?: number; message?: string };
const messages = (page: Page) => page.evaluate(() => (window as unknown as { msgs: Msg[] }).msgs);
const lastStep = async (page: Page) => (await messages(page)).filter((m) => m.type === 'bpf-playground:step-changed').at(-1);
const send = (page: Page, msg: unknown) => page.evaluate((m) => (document.getElementById('f') as HTMLIFrameElement).contentWindow!.postMessage(m, '*'), msg);

// A docs page embeds the playground in an iframe and drives it with postMessage.
test('embed mode: URL options, the postMessage API, events back to the host', async ({ page, baseURL }) => {
  await page.goto('./'); // the host page (served from the same static server)
  await page.setContent(`<script>window.msgs = []; addEventListener('message', (e) => msgs.push(e.data));</script>
    <iframe id="f" src="${baseURL}?embed&example=link_pinning&step=2&theme=dark" width="900" height="520"></iframe>`);
  const frame = page.frameLocator('#f');
  await expect(frame.getByTestId('step-count')).toHaveText('Step 2 / 14');
  await expect(frame.getByTestId('caption')).toContainText('libbpf creates the object');
  // compact: by default caption, graph and steps; no panels, no kernel log, no toolbar
  await expect(frame.getByRole('tablist')).toHaveCount(0);
  await expect(frame.getByRole('region', { name: 'Reference graph' })).toBeVisible();
  await expect(frame.getByRole('group', { name: 'Steps' })).toBeVisible();
  for (const name of ['Kernel log', 'Scenario', 'Console']) await expect(frame.getByRole('region', { name })).toHaveCount(0);
  await expect(frame.getByRole('complementary', { name: 'Inspector' })).toHaveCount(0);
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(async () => (await messages(page)).some((m) => m.type === 'bpf-playground:step-changed' && m.step === 2 && m.total === 14)).toBe(true);
  await expect.poll(async () => (await messages(page)).some((m) => m.type === 'bpf-playground:height' && (m.height ?? 0) > 100)).toBe(true);

  await send(page, { type: 'bpf-playground:seek', step: 6 });
  await expect(frame.getByTestId('step-count')).toHaveText('Step 6 / 14');
  await expect(frame.getByTestId('caption')).toContainText('It pins the link');
  await page.screenshot({ path: 'test-results/screens/embed.png' });
  await send(page, { type: 'bpf-playground:step', delta: -1 });
  await expect(frame.getByTestId('step-count')).toHaveText('Step 5 / 14');
  await expect.poll(async () => (await messages(page)).at(-1)).toMatchObject({ type: 'bpf-playground:step-changed', step: 5, total: 14 });

  // invalid messages are ignored
  for (const bad of [{ type: 'bpf-playground:seek', step: -3 }, { type: 'bpf-playground:eval', code: 'alert(1)' }, 'seek', null]) await send(page, bad);
  await page.waitForTimeout(200);
  await expect(frame.getByTestId('step-count')).toHaveText('Step 5 / 14');

  await send(page, { type: 'bpf-playground:load', example: 'fork_dup', step: 1 });
  await expect(frame.getByTestId('step-count')).toHaveText(/^Step 1 \/ \d+$/);
  await send(page, { type: 'bpf-playground:load', text: 'spawn p\np: frob\n' });
  await expect.poll(async () => (await messages(page)).find((m) => m.type === 'bpf-playground:error')?.message).toMatch(/line 2, column 4/);
});

test('Copy embed code gives an iframe that opens the scenario at the step', async ({ page, baseURL }) => {
  await page.goto('./');
  await page.getByRole('tab', { name: 'Scenario' }).click();
  await page.getByRole('combobox', { name: 'Example' }).selectOption('fork_dup');
  await page.getByRole('button', { name: 'Load example' }).click();
  await page.getByRole('button', { name: 'Run scenario' }).click();
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  const code = await page.getByRole('textbox', { name: 'Embed code' }).inputValue();
  expect(code).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed#s=1\.[^"]+" /);
  await page.setContent(code.replace('<iframe ', '<iframe id="f" '));
  expect(baseURL).toBeTruthy();
  await expect(page.frameLocator('#f').getByTestId('step-count')).toHaveText(/^Step 1 \/ \d+$/);
  await expect(page.frameLocator('#f').getByTestId('caption')).toContainText('spawn("loader") = 100');
});

const embed = async (page: Page, baseURL: string | undefined, query: string, size = 'width="900" height="640"') => {
  await page.goto('./');
  await page.setContent(`<script>window.msgs = []; addEventListener('message', (e) => msgs.push(e.data));</script>
    <iframe id="f" src="${baseURL}?embed&${query}" ${size}></iframe>`);
  return page.frameLocator('#f');
};

test('panels: the URL chooses what the compact view shows, in a fixed order', async ({ page, baseURL }) => {
  // caption and steps only: no graph, and the view is just as tall as they are
  let frame = await embed(page, baseURL, 'example=link_pinning&step=6&panels=steps,caption');
  await expect(frame.getByTestId('step-count')).toHaveText('Step 6 / 14');
  await expect(frame.getByTestId('caption')).toContainText('It pins the link');
  await expect(frame.getByRole('region', { name: 'Reference graph' })).toHaveCount(0);
  await expect(frame.getByTestId('embed')).toHaveAttribute('data-panels', 'caption,steps');
  expect((await frame.getByTestId('embed').boundingBox())!.height).toBeLessThan(120);
  await expect.poll(async () => (await messages(page)).find((m) => m.type === 'bpf-playground:height')?.height).toBeLessThan(120);

  // log, scenario and inspector beside the graph; unknown names (even markup) are ignored
  frame = await embed(page, baseURL, `example=link_pinning&step=6&panels=${encodeURIComponent('scenario,log,<img src=x onerror=alert(1)>,graph,inspector,console')}`);
  await expect(frame.getByTestId('embed')).toHaveAttribute('data-panels', 'graph,inspector,log,scenario');
  await expect(frame.locator('img')).toHaveCount(0);
  await expect(frame.getByTestId('caption')).toHaveCount(0);
  await expect(frame.getByRole('group', { name: 'Steps' })).toHaveCount(0);
  await expect(frame.getByRole('region', { name: 'Reference graph' })).toBeVisible();
  await expect(frame.getByRole('complementary', { name: 'Inspector' })).toContainText('BPF_OBJ_PIN');
  const log = frame.getByRole('region', { name: 'Kernel log' });
  await expect(log.locator('li[aria-current="step"]')).toHaveAttribute('data-step', '6');
  await expect(log.getByRole('list', { name: 'Kernel events of step 6' })).toContainText('bpf_obj_pin_user');
  const lines = frame.getByRole('list', { name: 'Scenario lines' });
  await expect(lines.locator('li[aria-current="step"]')).toHaveText(/^test_progs: bpf BPF_OBJ_PIN /);
  await expect(lines.locator('li[aria-current="step"]')).toBeInViewport();
  // keyboard: ] steps forward, the log and the scenario follow; a log row seeks
  await frame.getByRole('list', { name: 'Scenario lines' }).focus();
  await page.keyboard.press(']');
  await expect(log.locator('li[aria-current="step"]')).toHaveAttribute('data-step', '7');
  await expect(lines.locator('li[aria-current="step"]')).toHaveText('test_progs: close $link');
  await log.getByRole('button', { name: 'Go to step 9' }).press('Enter');
  await expect(lines.locator('li[aria-current="step"]')).toHaveText(/BPF_OBJ_GET/);
  await expect.poll(() => lastStep(page)).toMatchObject({ step: 9 });
  // read-only: the scenario is not editable, there is no console, yet nodes can be selected
  await expect(frame.getByRole('textbox')).toHaveCount(0);
  await expect(frame.getByRole('button', { name: 'Run scenario' })).toHaveCount(0);
  await expect(frame.getByRole('region', { name: 'Console' })).toHaveCount(0);
  await frame.getByRole('group', { name: 'link 1', exact: true }).click();
  await expect(frame.getByTestId('inspector-title')).toHaveText('link 1');

  // the inspector alone, without the graph
  frame = await embed(page, baseURL, 'example=link_pinning&step=6&panels=inspector');
  await expect(frame.getByRole('complementary', { name: 'Inspector' })).toContainText('BPF_OBJ_PIN');
  await expect(frame.getByRole('region', { name: 'Reference graph' })).toHaveCount(0);
});

test('readonly=0: the reader edits and runs the scenario and uses the console', async ({ page, baseURL }) => {
  const frame = await embed(page, baseURL, 'example=fork_dup&step=2&readonly=0&panels=caption,steps,scenario,console');
  await expect(frame.getByTestId('step-count')).toHaveText('Step 2 / 10');
  await expect(frame.getByTestId('scenario-step-line')).toHaveText('step 2: line 6');
  const text = frame.getByRole('textbox', { name: 'Scenario text' });
  await expect(text).toHaveValue(/^title Fork and dup share one file/);
  await text.fill('spawn a\n> Then b.\nspawn b\nexpect ok\n');
  await frame.getByRole('button', { name: 'Run scenario' }).press('Enter');
  await expect(frame.getByTestId('step-count')).toHaveText('Step 0 / 2');
  await expect(frame.getByTestId('scenario-summary')).toHaveText('1 of 1 expectations held');
  await expect.poll(() => lastStep(page)).toMatchObject({ step: 0, total: 2 });
  const shell = frame.getByRole('region', { name: 'Console' }).getByRole('combobox', { name: 'Shell command' });
  await shell.fill('ls /sys/fs/bpf');
  await shell.press('Enter');
  await expect(frame.getByTestId('step-count')).toHaveText('Step 1 / 1'); // acting at step 0 replaced the later steps
  await expect(frame.getByTestId('console-output')).toContainText('$ ls /sys/fs/bpf');
  // a scenario that does not parse: shown, and posted to the host
  await text.fill('spawn p\np: frob\n');
  await frame.getByRole('button', { name: 'Run scenario' }).click();
  await expect(frame.getByTestId('scenario-error')).toContainText('line 2, column 4');
  await expect.poll(async () => (await messages(page)).find((m) => m.type === 'bpf-playground:error')?.message).toMatch(/line 2, column 4/);
});

// The host page runs the auto-resize script of the README's embed snippet, as it stands there.
const resizeScript = /```html\n<iframe [^]*?<script>\n([^]*?bpf-playground:height[^]*?)<\/script>\n```/.exec(readFileSync('README.md', 'utf8'))?.[1];

test('auto-resize: the README script sizes the frame to its content, on every change, once per change', async ({ page, baseURL }) => {
  expect(resizeScript).toBeTruthy();
  await page.goto('./');
  await page.setContent(`<script>window.msgs = []; addEventListener('message', (e) => msgs.push(e.data));</script>
    <script>${resizeScript}</script>
    <iframe id="f" src="${baseURL}?embed&example=link_pinning&panels=caption,graph,steps,log" width="420" height="150" style="border:0"></iframe>`);
  const frame = page.frameLocator('#f');
  await expect(frame.getByTestId('step-count')).toHaveText('Step 0 / 14');
  const heights = async () => (await messages(page)).filter((m) => m.type === 'bpf-playground:height').map((m) => m.height!);
  const frameHeight = () => page.locator('#f').evaluate((f) => f.getBoundingClientRect().height);
  // the frame is as tall as the view needs: nothing cut, nothing blank, the graph at its base
  // height (360 px; under a pixel more, as the height is rounded up)
  const fits = async () => {
    const last = (await heights()).at(-1);
    const inFrame = await frame.locator('html').evaluate(() => ({
      inner: innerHeight, scroll: document.documentElement.scrollHeight,
      view: document.querySelector('[data-testid="embed"]')!.getBoundingClientRect().height,
      graph: document.querySelector('[data-testid="graph"]')!.getBoundingClientRect().height,
    }));
    return last === (await frameHeight()) && inFrame.inner === last && inFrame.scroll === last && Math.ceil(inFrame.view) === last && inFrame.graph >= 360 && inFrame.graph < 361;
  };
  await expect.poll(fits).toBe(true);
  expect(await frameHeight()).toBeGreaterThan(360);

  // captions of known lengths: a long one grows the frame, a short one shrinks it back
  const long = 'A long caption that wraps over several lines in a narrow frame, '.repeat(4);
  await send(page, { type: 'bpf-playground:load', text: `spawn a\n> ${long}\nspawn b\n> Short.\nspawn c\n`, step: 1 });
  await expect(frame.getByTestId('step-count')).toHaveText('Step 1 / 3');
  await expect.poll(fits).toBe(true);
  const short = await frameHeight();
  await send(page, { type: 'bpf-playground:seek', step: 2 });
  await expect(frame.getByTestId('caption')).toContainText('A long caption');
  await expect.poll(frameHeight).toBeGreaterThan(short + 30);
  await expect.poll(fits).toBe(true);
  await send(page, { type: 'bpf-playground:seek', step: 3 });
  await expect.poll(frameHeight).toBe(short);
  await expect.poll(fits).toBe(true);

  // no spam: a step of the same height sends none, and no height is sent twice in a row
  const sent = (await heights()).length;
  await send(page, { type: 'bpf-playground:seek', step: 1 });
  await expect.poll(() => lastStep(page)).toMatchObject({ step: 1 });
  await page.waitForTimeout(300);
  expect((await heights()).length).toBe(sent);
  const all = await heights();
  expect(all.every((h, i) => i === 0 || h !== all[i - 1])).toBe(true);

  // a panel that grows: the kernel log of a one-step scenario, then of a longer one
  await send(page, { type: 'bpf-playground:load', text: 'spawn a\n' });
  await expect(frame.getByTestId('step-count')).toHaveText('Step 0 / 1');
  await expect.poll(fits).toBe(true);
  const oneStep = await frameHeight();
  await send(page, { type: 'bpf-playground:load', example: 'link_pinning' });
  await expect(frame.getByTestId('step-count')).toHaveText('Step 0 / 14');
  await expect.poll(frameHeight).toBeGreaterThan(oneStep + 100);
  await expect.poll(fits).toBe(true);
  await page.screenshot({ path: 'test-results/screens/embed-resize.png' });
});

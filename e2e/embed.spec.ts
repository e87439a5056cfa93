import { expect, test, type Page } from '@playwright/test';

type Msg = { type: string; step?: number; total?: number; caption?: string; height?: number; message?: string };
const messages = (page: Page) => page.evaluate(() => (window as unknown as { msgs: Msg[] }).msgs);
const send = (page: Page, msg: unknown) => page.evaluate((m) => (document.getElementById('f') as HTMLIFrameElement).contentWindow!.postMessage(m, '*'), msg);

// A docs page embeds the playground in an iframe and drives it with postMessage.
test('embed mode: URL options, the postMessage API, events back to the host', async ({ page, baseURL }) => {
  await page.goto('./'); // the host page (served from the same static server)
  await page.setContent(`<script>window.msgs = []; addEventListener('message', (e) => msgs.push(e.data));</script>
    <iframe id="f" src="${baseURL}?embed&example=link_pinning&step=2&theme=dark" width="900" height="520"></iframe>`);
  const frame = page.frameLocator('#f');
  await expect(frame.getByTestId('step-count')).toHaveText('Step 2 / 14');
  await expect(frame.getByTestId('caption')).toContainText('libbpf creates the object');
  // compact: no panels, no kernel log, no toolbar
  await expect(frame.getByRole('tablist')).toHaveCount(0);
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

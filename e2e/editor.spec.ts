import { expect, test } from '@playwright/test';
import { Playground } from './playground';

test.use({ viewport: { width: 1280, height: 720 } });

test('BPF C in the local Monaco editor, loaded with libbpf; errors as markers; bpftool sees the links', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await pg.newEmptyKernel();
  await pg.spawn('test_progs');
  await pg.tab('Programs');
  const editor = page.getByTestId('editor').locator('.monaco-editor');
  await expect(editor).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => page.evaluate(() => window.bpfEditor?.getValue() ?? '')).toContain('SEC("raw_tp/sys_enter")');

  // A program for a tracepoint vmlinux BTF does not have: typed, spaces and all, then
  // loaded: the load fails and the error is a marker at that program's line.
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nSEC("tp_btf/sys_exitt")\nint broken(void *ctx) { return 0; }\n');
  await expect.poll(() => page.evaluate(() => window.bpfEditor?.getValue() ?? '')).toContain('int broken(void *ctx) { return 0; }');
  await pg.button('Load with libbpf').click();
  await expect(page.getByTestId('libbpf-output')).toHaveClass(/err/);
  await expect(page.getByTestId('libbpf-output')).toContainText("failed to find kernel BTF type ID of 'sys_exitt'");
  await expect(editor.locator('.squiggly-error').first()).toBeVisible();
  await expect(pg.caption).toContainText('= -ESRCH');
  await expect(pg.nodes('prog')).toHaveCount(0);

  // Back to the selftest's source: load and attach, as its skeleton does.
  await page.getByLabel('Starter source').selectOption('link_pinning');
  await pg.button('Load and attach with libbpf').click();
  await expect(page.getByTestId('libbpf-output')).toContainText('attached raw_tp_prog');
  await expect(pg.nodes('prog')).toHaveCount(2);
  await expect(pg.nodes('link')).toHaveCount(2);
  await expect(pg.node('map', /test_lin\.bss/)).toBeVisible();
  // the Inspector lists the step's system calls: what libbpf asked of the kernel
  await pg.inspector.getByText(/^\d+ calls to the kernel$/).click();
  const calls = pg.inspector.getByRole('list', { name: 'System calls of this step' });
  await expect(calls).toContainText('bpf(BPF_MAP_CREATE');
  await expect(calls).toContainText('bpf(BPF_PROG_LOAD');
  await expect(calls).toContainText('bpf(BPF_RAW_TRACEPOINT_OPEN');
  expect(await pg.fire('tracepoint:sys_enter')).toContain('ran raw_tp_prog, tp_btf_prog');
  await expect(pg.inspector).toContainText(/ran\s*raw_tp_prog \(prog \d+\), tp_btf_prog \(prog \d+\)/);

  await page.getByRole('tab', { name: 'Console (bpftool)' }).click();
  await page.getByLabel('Shell command').fill('bpftool link show');
  await page.keyboard.press('Enter');
  const out = page.getByTestId('console-output');
  await expect(out).toContainText('raw_tracepoint');
  await expect(out).toContainText("tp 'sys_enter'");
  await expect(out).toContainText('pids test_progs(100)');
  await pg.shot('editor-libbpf');
  pg.expectClean();
});

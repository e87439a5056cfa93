import { expect, test } from '@playwright/test';
import { Playground } from './playground';

test.use({ viewport: { width: 1280, height: 720 } });

test('a legacy cgroup attachment outlives its attacher, abandoned', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await pg.newEmptyKernel();
  await pg.spawn('loader');

  await pg.tab('BPF FS');
  await page.getByLabel('Directory path').fill('/sys/fs/cgroup/test');
  await pg.button('mkdir').click();
  await pg.button('Open directory /sys/fs/cgroup/test').click();
  await pg.loadProgram({ section: 'cgroup_skb/egress', name: 'egress' });
  await pg.tab('Processes');

  await pg.tab('Attach');
  await expect(page.getByLabel('cgroup fd')).toHaveValue('3');
  await pg.button('Attach to the cgroup the legacy way (BPF_PROG_ATTACH)').click();
  await expect(pg.nodes('legacy')).toHaveAttribute('data-state', 'alive');
  await expect(pg.edges('legacy')).toHaveCount(1);

  await pg.exit(100);
  await expect(pg.nodes('process')).toHaveCount(0);
  const legacy = pg.nodes('legacy');
  await expect(legacy).toHaveAttribute('data-state', 'abandoned');
  await expect(pg.nodes('prog')).toHaveCount(1);
  await pg.select('prog', 'program egress');
  await expect(pg.inspector).toContainText('a cgroup attachment (BPF_PROG_ATTACH by loader (pid 100)), abandoned');
  await expect(pg.inspector.getByTestId('to-free')).toContainText('BPF_PROG_DETACH');
  await expect(pg.highlightedEdges()).toHaveAttribute('data-kind', 'legacy');
  await expect(legacy).toHaveAttribute('data-highlight', 'retainer');

  expect(await pg.fire('cgroup:/sys/fs/cgroup/test:BPF_CGROUP_INET_EGRESS')).toContain('ran egress');
  await pg.shot('legacy-abandoned');
  pg.expectClean();
});

test('tcx: a link and a BPF_PROG_ATTACH entry on one list; the entry outlives its attacher', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await pg.newEmptyKernel();
  await pg.spawn('loader');
  await pg.loadProgram({ section: 'tcx/ingress', name: 'first' });
  await pg.loadProgram({ section: 'tcx/ingress', name: 'second' });

  await pg.tab('Attach');
  await page.getByLabel('Program fd').selectOption('3');
  await expect(page.getByLabel('Device', { exact: true })).toHaveValue('2');
  await expect(page.getByLabel('Direction', { exact: true })).toHaveValue('BPF_TCX_INGRESS');
  await pg.button('Attach to the device as a tcx link').click();
  await expect(pg.nodes('link')).toHaveCount(1);
  await page.getByLabel('Program fd').selectOption('4');
  await pg.button('Attach to the device with BPF_PROG_ATTACH (tcx)').click();
  await expect(pg.nodes('legacy')).toHaveAttribute('data-state', 'alive');
  await expect(page.getByText('2 on this list (revision 3); a new entry goes last.')).toBeVisible();
  // the list runs in order and the first program's TC_ACT_OK ends it
  expect(await pg.fire('tcx:eth0:ingress')).toContain('ran first');

  await pg.exit(100);
  await expect(pg.nodes('link')).toHaveCount(0);
  await expect(pg.nodes('legacy')).toHaveAttribute('data-state', 'abandoned');
  await pg.select('prog', 'program second');
  await expect(pg.inspector).toContainText('a tcx attachment (BPF_PROG_ATTACH by loader (pid 100)), abandoned');
  await expect(pg.inspector.getByTestId('to-free')).toContainText('BPF_PROG_DETACH with target_ifindex');
  expect(await pg.fire('tcx:eth0:ingress')).toContain('ran second');
  pg.expectClean();
});

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

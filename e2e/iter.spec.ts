import { expect, test } from '@playwright/test';
import { Playground } from './playground';

test.use({ viewport: { width: 1280, height: 720 } });

// BPF iterators: the link runs nothing by itself; a file made from it holds the program.
test('an iterator link and its file: the file keeps the program after the link is gone', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await pg.newEmptyKernel();
  await pg.spawn('loader');
  await pg.loadProgram({ section: 'iter', name: 'dump_task' });
  await expect(pg.node('prog', 'program dump_task')).toContainText('task');

  await pg.tab('Attach');
  await expect(page.getByText('An iterator over task')).toBeVisible();
  await pg.button('Create an iterator link (BPF_TRACE_ITER)').click();
  await expect(pg.nodes('link')).toHaveCount(1);
  await expect(pg.node('attach', /iter task/)).toBeVisible();
  await pg.button('Open an iterator file from link fd 4 of pid 100').click();
  await expect(pg.caption).toContainText('bpf(BPF_ITER_CREATE');
  await expect(pg.caption).toContainText('= 5');

  // the link's fd and the program's fd close: the link is freed, the file still holds the program
  await pg.tab('Processes');
  await pg.button('Close fd 4 of pid 100').click();
  await pg.button('Close fd 3 of pid 100').click();
  await expect(pg.nodes('link')).toHaveCount(0);
  await expect(pg.node('prog', 'program dump_task')).toContainText('refcnt 1');
  await pg.select('prog', 'program dump_task');
  await expect(pg.inspector).toContainText('fd 5 of loader');
  await pg.button('Close fd 5 of pid 100').click();
  await expect(pg.nodes('prog')).toHaveCount(0);
  pg.expectClean();
});

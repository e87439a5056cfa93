import { expect, test } from '@playwright/test';
import { Playground } from './playground';

test.use({ viewport: { width: 1280, height: 720 } });

// The seed's story through the UI alone: a loader loads and attaches a program, pins the
// link and exits; the pin keeps the link attached until it is unpinned.
test('a pinned link outlives its loader until it is unpinned', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await pg.newEmptyKernel();

  await pg.spawn('loader');
  // the selftest's object, opened and loaded by libbpf: its .bss map and two programs
  await pg.loadWithLibbpf('link_pinning');
  await expect(pg.nodes('prog')).toHaveCount(2);
  await expect(pg.edges('map')).toHaveCount(2);
  await pg.attach('sys_enter', 'fd 4: prog raw_tp_prog');
  await expect(pg.node('link', 'link 1')).toHaveAttribute('data-state', 'attached');
  await expect(pg.edges('attach')).toHaveCount(1);
  await expect(pg.edges('prog')).toHaveCount(1);

  expect(await pg.fire('tracepoint:sys_enter')).toContain('ran raw_tp_prog');
  await expect(pg.node('prog', 'program raw_tp_prog')).toHaveAttribute('data-ran', 'true');

  await pg.pin('fd 6: link 1', '/sys/fs/bpf/my_link');
  await expect(pg.edges('pin')).toHaveCount(1);

  await pg.spawn('rm'); // someone to unpin it later
  await pg.exit(100);
  await expect(pg.nodes('process')).toHaveCount(1);
  // the pin keeps the link (and through it the program and the map) alive and attached;
  // the other program, held only by the loader's fd, is gone
  await expect(pg.node('link', 'link 1')).toHaveAttribute('data-state', 'attached');
  await expect(pg.nodes('prog')).toHaveCount(1);
  await expect(pg.nodes('prog', { freed: true })).toHaveCount(1);
  await expect(pg.nodes('map')).toHaveCount(1);
  await pg.select('link', 'link 1');
  await expect(pg.inspector).toContainText('Held by one reference');
  await expect(pg.inspector).toContainText('the pin /sys/fs/bpf/my_link');
  await expect(pg.inspector.getByTestId('to-free')).toContainText('unlink /sys/fs/bpf/my_link');
  await expect(pg.highlightedEdges()).toHaveCount(1);
  await expect(pg.highlightedEdges()).toHaveAttribute('data-kind', 'pin');
  await expect(pg.node('pin', 'pin /sys/fs/bpf/my_link')).toHaveAttribute('data-highlight', 'retainer');
  await pg.shot('seed-story-pin-holds');

  expect(await pg.fire('tracepoint:sys_enter')).toContain('ran raw_tp_prog');

  await pg.unpin('/sys/fs/bpf/my_link', 101);
  await expect(pg.nodes('link')).toHaveCount(0);
  await expect(pg.nodes('prog')).toHaveCount(0);
  await expect(pg.nodes('map')).toHaveCount(0);
  await expect(pg.nodes('link', { freed: true })).toHaveCount(1); // fading out
  await expect(pg.caption).toContainText('unlink("/sys/fs/bpf/my_link") = 0');
  await expect(pg.log.getByRole('listitem').filter({ hasText: 'bpf_link_free' }).first()).toBeVisible();

  expect(await pg.fire('tracepoint:sys_enter')).toContain('nothing ran');
  await pg.shot('seed-story-pinned');
  pg.expectClean();
});

test('without the pin, the loader’s exit frees everything (loaded by hand, without libbpf)', async ({ page, context }) => {
  const pg = await new Playground(page, context).open();
  await pg.newEmptyKernel();
  await pg.spawn('loader');
  await pg.createMap('test_lin.bss');
  await pg.loadProgram({ section: 'raw_tp', name: 'raw_tp_prog', maps: ['fd 3 (map test_lin.bss)'] });
  await pg.attach('sys_enter');
  expect(await pg.fire('tracepoint:sys_enter')).toContain('ran raw_tp_prog');

  await pg.select('link', 'link 1');
  await expect(pg.inspector.getByTestId('to-free')).toContainText('close fd 5 in loader (pid 100), or let loader exit');

  await pg.exit(100);
  for (const kind of ['process', 'file', 'link', 'prog', 'map']) await expect(pg.nodes(kind)).toHaveCount(0);
  await expect(pg.nodes('link', { freed: true })).toHaveCount(1);
  await expect(pg.inspector).toContainText('Not alive at this step');
  expect(await pg.fire('tracepoint:sys_enter')).toContain('nothing ran');
  await pg.shot('seed-story-unpinned');
  pg.expectClean();
});

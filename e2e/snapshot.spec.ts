import { expect, test, type BrowserContext } from '@playwright/test';

/** Aborts every request that would leave this machine and records it (offline proof). */
async function blockNonLocal(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local =
      ['data:', 'blob:'].includes(url.protocol) || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (local) return route.continue();
    blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  return blocked;
}

test('shows the kernel snapshot as JSON, offline', async ({ page, context }) => {
  const blocked = await blockNonLocal(context);
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));

  await page.goto('./');

  await expect(page.getByRole('heading', { name: 'Kernel snapshot' })).toBeVisible();
  const region = page.getByRole('region', { name: 'Kernel snapshot' });
  const pre = region.locator('pre');
  await expect(pre).toBeVisible();

  interface Snap {
    processes: unknown[];
    links: { key: string; refcnt: number; attached: boolean }[];
    bpffs: { path: string; obj?: string }[];
  }
  const parse = async () => JSON.parse((await pre.textContent()) ?? '') as Snap;
  expect(await parse()).toHaveProperty('processes');

  // The story ran link_pinning's first steps: the link was pinned and its fd closed, so the
  // pin alone keeps it attached.
  await expect(page.getByRole('region', { name: 'Story' })).toContainText("spawn('test_progs')");
  const snap = await parse();
  expect(snap.links).toHaveLength(1);
  expect(snap.links[0]).toMatchObject({ refcnt: 1, attached: true });
  expect(snap.bpffs).toContainEqual({ path: '/sys/fs/bpf/pinned_link_test', kind: 'pin', obj: snap.links[0]!.key });

  await page.getByRole('button', { name: 'Refresh snapshot' }).click();
  await expect(region).toContainText('read #2');
  expect(await parse()).toHaveProperty('processes');

  await page.screenshot({ path: 'test-results/screens/snapshot.png', fullPage: true });

  expect(pageErrors).toEqual([]);
  expect(blocked).toEqual([]);
});
